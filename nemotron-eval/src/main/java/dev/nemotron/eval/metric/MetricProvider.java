package dev.nemotron.eval.metric;

import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.task.OutputType;
import java.util.Set;

/**
 * A metric (scorer) by name, the extension point for new ways of judging answers: the math
 * verifier ({@code math_equiv}), the code sandbox (tests pass), RULER's string matching.
 * Found with {@code ServiceLoader} ({@code provides dev.nemotron.eval.metric.MetricProvider with
 * ...}) or handed to {@link MetricRegistry#of}. A task file names it:
 *
 * <pre>
 * metrics:
 *   - name: exact_match                     # the provider's name
 *     ignore_case: true                     # options, for create()
 *     aggregations: [mean, pass@1, pass@10] # handled by the harness
 * </pre>
 */
public interface MetricProvider {
    /** The name task files use; also the key of its results. */
    String name();

    /** The output types it can score; a task of another type naming it is refused when loaded. */
    Set<OutputType> outputs();

    /** One line for {@code nemotron eval tasks --metrics} and the docs. */
    default String description() {
        return "";
    }

    /**
     * A metric for one task.
     *
     * @param options the metric entry's fields other than {@code name} and {@code aggregations};
     *                check them with {@link Fields#allowOnly}
     * @throws dev.nemotron.api.NemotronException for bad options, naming the field
     */
    Metric create(Fields options);
}
