package dev.nemotron.eval.math;

import dev.nemotron.api.NemotronException;

/**
 * How lenient {@link MathVerifier} is.
 *
 * @param relativeTolerance the relative tolerance for answers written with a decimal point:
 *                          {@code |a-b| ≤ tol·max(|a|,|b|)}, in {@code [0, 1)}; default
 *                          {@code 1e-6}, so {@code 0.3333333} ≡ {@code 1/3} but {@code 0.333} ≢
 *                          {@code 1/3}. Exact answers (integers, fractions, roots, π) are always
 *                          compared exactly.
 * @param percentAsFraction whether a percentage also matches its fraction when only one side
 *                          is written as a percentage ({@code 28\%} ≡ {@code 0.28}); default
 *                          true. It always matches its number ({@code 28\%} ≡ {@code 28}).
 */
public record MathVerifyOptions(double relativeTolerance, boolean percentAsFraction) {
    /** Relative tolerance 1e-6, percentages also match their fractions. */
    public static final MathVerifyOptions DEFAULTS = new MathVerifyOptions(1e-6, true);

    /** @throws NemotronException when the tolerance is not a finite number in {@code [0, 1)} */
    public MathVerifyOptions {
        if (!(relativeTolerance >= 0 && relativeTolerance < 1)) {
            throw new NemotronException("math tolerance must be in [0, 1), got " + relativeTolerance);
        }
    }

    /** These options with {@code relativeTolerance}. */
    public MathVerifyOptions withRelativeTolerance(double tolerance) {
        return new MathVerifyOptions(tolerance, percentAsFraction);
    }
}
