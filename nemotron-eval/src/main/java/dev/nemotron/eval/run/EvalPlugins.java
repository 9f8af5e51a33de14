package dev.nemotron.eval.run;

import dev.nemotron.eval.data.DocSources;
import dev.nemotron.eval.filter.AnswerFilters;
import dev.nemotron.eval.metric.MetricRegistry;
import java.util.Objects;

/**
 * The extension points a task is resolved against: data-source types, answer-filter types and
 * metrics, each the built-ins plus what {@code ServiceLoader} finds.
 */
public record EvalPlugins(DocSources sources, AnswerFilters filters, MetricRegistry metrics) {
    public EvalPlugins {
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(filters, "filters");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** Built-ins plus every provider on the module path. */
    public static EvalPlugins discover() {
        return new EvalPlugins(DocSources.discover(), AnswerFilters.discover(), MetricRegistry.discover());
    }
}
