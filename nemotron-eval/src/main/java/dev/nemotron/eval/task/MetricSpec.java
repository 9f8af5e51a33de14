package dev.nemotron.eval.task;

import dev.nemotron.eval.config.Fields;
import java.util.List;

/**
 * One metric of a task, as written: a name a {@code MetricProvider} claims, its options, and how
 * per-sample scores are aggregated ({@code mean}, {@code avg@K}, {@code pass@K}).
 *
 * @param name         the metric's name ({@code exact_match}, {@code acc}, a plugin's scorer...)
 * @param options      the entry's other fields, for the provider
 * @param aggregations aggregation names as written (checked when the task is prepared)
 * @param where        the entry's place in the task file, for messages
 */
public record MetricSpec(String name, Fields options, List<String> aggregations, String where) {
    public MetricSpec {
        aggregations = List.copyOf(aggregations);
    }
}
