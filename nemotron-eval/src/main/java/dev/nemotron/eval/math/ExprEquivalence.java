package dev.nemotron.eval.math;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Whether two expressions denote the same value (or, with variables, the same function).
 *
 * <ol>
 *   <li>Exact: when both have an {@link ExactForm}, equal forms are equivalent. Unequal forms are
 *       not, unless a decimal literal was written on either side ({@code 2.828427} is a rounded
 *       {@code 2√2}), which goes on to step 2.</li>
 *   <li>Without variables, compare the floating-point values: equal infinities written as
 *       {@code \infty} are equal (an overflow, {@code 10^{10^{10}}}, is never equal), NaN is never
 *       equal, otherwise {@code |a-b| ≤ tol · max(|a|,|b|)} with {@code tol} the configured
 *       relative tolerance when a decimal literal was written, and {@link #TIGHT} (10⁻⁹, float
 *       noise only) when not.</li>
 *   <li>With variables, evaluate both at {@link #POINTS} pseudo-random points (a fixed seed, so the
 *       verdict is deterministic; each variable drawn from (0.3, 2), (2, 6) or (−3, −0.3), the
 *       range itself drawn at random, so that mixed signs occur). Points where
 *       either side is not finite (outside a domain) are skipped; every other point must agree
 *       within {@code tol · max(1, |a|, |b|)}, and at least three must be left.</li>
 * </ol>
 */
final class ExprEquivalence {
    /** The relative tolerance for values with no decimal literal: floating-point noise only. */
    static final double TIGHT = 1e-9;
    /** How many points expressions with variables are compared at. */
    static final int POINTS = 24;
    private static final long SEED = 0x5EED_2025L;

    private ExprEquivalence() {
    }

    /** Whether {@code a} and {@code b} are equivalent; {@code tolerance} applies to decimal literals. */
    static boolean equivalent(Expr a, Expr b, double tolerance) {
        boolean decimal = Expr.hasDecimal(a) || Expr.hasDecimal(b);
        Optional<ExactForm> ea = ExactEvaluator.evaluate(a);
        Optional<ExactForm> eb = ea.isPresent() ? ExactEvaluator.evaluate(b) : Optional.empty();
        if (ea.isPresent() && eb.isPresent()) {
            if (ea.get().equals(eb.get())) {
                return true;
            }
            if (!decimal) {
                return false;
            }
        }
        double tol = decimal ? Math.max(tolerance, TIGHT) : TIGHT;
        Set<String> vars = new TreeSet<>(Expr.variables(a));
        vars.addAll(Expr.variables(b));
        if (vars.isEmpty()) {
            double x = NumericEvaluator.evaluate(a, Map.of());
            double y = NumericEvaluator.evaluate(b, Map.of());
            boolean overflow = (Double.isInfinite(x) && !Expr.hasInfinity(a)) || (Double.isInfinite(y) && !Expr.hasInfinity(b));
            return !overflow && closeConstants(x, y, tol);
        }
        return agreeAtPoints(a, b, vars, tol);
    }

    /** Relative closeness of two constants; equal infinities are close, NaN never. */
    static boolean closeConstants(double x, double y, double tol) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return false;
        }
        if (Double.isInfinite(x) || Double.isInfinite(y)) {
            return x == y;
        }
        return Math.abs(x - y) <= tol * Math.max(Math.abs(x), Math.abs(y));
    }

    private static boolean agreeAtPoints(Expr a, Expr b, Set<String> vars, double tol) {
        Random rnd = new Random(SEED);
        int compared = 0;
        for (int i = 0; i < POINTS; i++) {
            Map<String, Double> values = new TreeMap<>();
            for (String v : vars) {
                values.put(v, switch (rnd.nextInt(3)) {
                    case 0 -> 0.3 + 1.7 * rnd.nextDouble();
                    case 1 -> 2.0 + 4.0 * rnd.nextDouble();
                    default -> -3.0 + 2.7 * rnd.nextDouble();
                });
            }
            double x = NumericEvaluator.evaluate(a, values);
            double y = NumericEvaluator.evaluate(b, values);
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                continue;
            }
            compared++;
            if (Math.abs(x - y) > tol * Math.max(1.0, Math.max(Math.abs(x), Math.abs(y)))) {
                return false;
            }
        }
        return compared >= 3;
    }
}
