package dev.nemotron.eval.run;

import dev.nemotron.eval.metric.Aggregation;
import dev.nemotron.eval.metric.Metric;
import java.util.List;

/**
 * A task's metric, resolved: the name its scores are stored under, the scorer and its aggregations.
 */
record ScoredMetric(String name, Metric metric, List<Aggregation> aggregations) {
}
