package dev.nemotron.eval.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one task.
 *
 * @param task        the task's name
 * @param model       the model's id
 * @param digest      the config digest of its samples
 * @param metrics     aggregates by key ({@code exact_match}, {@code exact_match_pass@4}, ...), in
 *                    task order; the first is the task's primary metric
 * @param docs        problems evaluated
 * @param repeats     samples per problem
 * @param samplesRun  samples made by this run
 * @param resumed     samples found in the samples file and reused
 * @param seconds     wall-clock time of this run of the task
 * @param tokens      mean token counts per sample
 * @param config      the task's config (overrides included)
 * @param origin      the task file or {@code builtin:NAME}
 * @param samplesFile the samples file
 */
public record TaskResult(String task, String model, String digest, Map<String, MetricValue> metrics, int docs, int repeats,
                         int samplesRun, int resumed, double seconds, TokenStats tokens, ObjectNode config, String origin,
                         Path samplesFile) {
    public TaskResult {
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The first metric's key. */
    public String primaryMetric() {
        return metrics.keySet().iterator().next();
    }

    /** The first metric's value. */
    public MetricValue primary() {
        return metrics.values().iterator().next();
    }
}
