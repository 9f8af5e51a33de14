package dev.nemotron.eval.math;

import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.metric.Metric;
import dev.nemotron.eval.metric.MetricProvider;
import dev.nemotron.eval.task.OutputType;
import java.util.Set;

/**
 * The metric {@code math_equiv}: 1 when the sample's answer is mathematically equivalent to the
 * reference ({@link MathVerifier}: fractions, roots, percentages, thousands separators, sets,
 * intervals, simple expressions), else 0. By default it compares the task's filtered prediction;
 * with {@code extract: true} it extracts the final answer from the prediction itself ({@code \boxed{}},
 * {@code ####}, "the answer is", the last number), the reasoning excluded.
 */
public final class MathEquivMetricProvider implements MetricProvider {
    private static final MathVerifier VERIFIER = new MathVerifier(MathVerifyOptions.DEFAULTS);

    @Override
    public String name() {
        return "math_equiv";
    }

    @Override
    public Set<OutputType> outputs() {
        return Set.of(OutputType.GENERATE_UNTIL);
    }

    @Override
    public String description() {
        return "1 if the answer is mathematically equivalent to the reference (docs/eval-math.md); extract: true finds the "
                + "final answer in the text";
    }

    @Override
    public Metric create(Fields options) {
        options.allowOnly("extract");
        boolean extract = options.bool("extract", false);
        return sample -> {
            String gold = sample.reference();
            String prediction = sample.prediction();
            if (gold == null || prediction == null) {
                return 0;
            }
            boolean ok = extract ? VERIFIER.verifyCompletion(gold, prediction) : VERIFIER.verify(gold, prediction);
            return ok ? 1 : 0;
        };
    }
}
