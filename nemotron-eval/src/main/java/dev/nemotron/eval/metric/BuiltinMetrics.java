package dev.nemotron.eval.metric;

import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.task.OutputType;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The built-in metrics: {@code exact_match} (generated answers), {@code acc} and {@code acc_norm}
 * (multiple choice; {@code acc} also for log-likelihood tasks: greedy match), and
 * {@code loglikelihood} (the continuation's log-probability).
 */
public final class BuiltinMetrics {
    private BuiltinMetrics() {
    }

    /** The built-in providers. */
    public static List<MetricProvider> all() {
        return List.of(
                provider("exact_match", Set.of(OutputType.GENERATE_UNTIL),
                        "1 when the filtered answer equals the reference (options: ignore_case, ignore_punctuation,"
                                + " ignore_numbers, regexes_to_ignore)", ExactMatch::fromOptions),
                provider("acc", Set.of(OutputType.MULTIPLE_CHOICE, OutputType.LOGLIKELIHOOD),
                        "1 when the most likely option is the gold one (loglikelihood tasks: greedy decoding gives the target)",
                        f -> {
                            f.allowOnly();
                            return new ChoiceAccuracy(false);
                        }),
                provider("acc_norm", Set.of(OutputType.MULTIPLE_CHOICE),
                        "acc with each option's log-likelihood divided by its length in UTF-8 bytes",
                        f -> {
                            f.allowOnly();
                            return new ChoiceAccuracy(true);
                        }),
                provider("loglikelihood", Set.of(OutputType.LOGLIKELIHOOD),
                        "the target continuation's log-probability (natural log)",
                        f -> {
                            f.allowOnly();
                            return s -> s.loglikelihood().logprob();
                        }));
    }

    private static MetricProvider provider(String name, Set<OutputType> outputs, String description,
                                           Function<Fields, Metric> factory) {
        return new MetricProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<OutputType> outputs() {
                return outputs;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public Metric create(Fields options) {
                return factory.apply(options);
            }
        };
    }
}
