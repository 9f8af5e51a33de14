package dev.nemotron.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.metric.Aggregation;
import dev.nemotron.eval.metric.Bootstrap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a task's stored samples into its aggregates: per problem, each aggregation reduces the
 * repeats' scores to one value; the aggregate is the mean over problems, its standard error the
 * {@link Bootstrap} over problems.
 */
final class Aggregator {
    private Aggregator() {
    }

    static Map<String, MetricValue> metrics(PreparedTask task, SampleStore store, RunOptions options) {
        int repeats = task.spec().repeats();
        Map<String, MetricValue> out = new LinkedHashMap<>();
        for (ScoredMetric m : task.metrics()) {
            double[][] scores = new double[task.docs().size()][repeats];
            for (int d = 0; d < scores.length; d++) {
                Doc doc = task.docs().get(d);
                for (int rep = 0; rep < repeats; rep++) {
                    scores[d][rep] = score(record(task, store, doc, rep), m.name(), store);
                }
            }
            for (Aggregation a : m.aggregations()) {
                double[] perDoc = new double[scores.length];
                for (int d = 0; d < scores.length; d++) {
                    perDoc[d] = a.perDoc(scores[d]);
                }
                out.put(a.key(m.name()), new MetricValue(Bootstrap.mean(perDoc),
                        Bootstrap.stderr(perDoc, options.bootstrapResamples(), options.bootstrapSeed())));
            }
        }
        return out;
    }

    static TokenStats tokens(PreparedTask task, SampleStore store) {
        double prompt = 0;
        double completion = 0;
        double reasoning = 0;
        int n = 0;
        for (Doc doc : task.docs()) {
            for (int rep = 0; rep < task.spec().repeats(); rep++) {
                ObjectNode r = record(task, store, doc, rep);
                prompt += r.path("prompt_tokens").asDouble(0);
                completion += r.path("completion_tokens").asDouble(0);
                reasoning += r.path("reasoning_tokens").asDouble(0);
                n++;
            }
        }
        return n == 0 ? new TokenStats(0, 0, 0) : new TokenStats(prompt / n, completion / n, reasoning / n);
    }

    private static ObjectNode record(PreparedTask task, SampleStore store, Doc doc, int repeat) {
        ObjectNode r = store.get(new SampleKey(task.spec().name(), doc.index(), repeat, task.digest()));
        if (r == null) {
            throw new IllegalStateException("sample " + doc.index() + "/" + repeat + " of " + task.spec().name() + " missing");
        }
        return r;
    }

    private static double score(ObjectNode record, String metric, SampleStore store) {
        JsonNode v = record.path("scores").get(metric);
        if (v == null || !v.isNumber()) {
            throw new NemotronException(store.file() + ": the sample of doc " + record.path("doc").asInt() + " repeat "
                    + record.path("repeat").asInt() + " has no score '" + metric + "'; delete the file to run the task afresh");
        }
        return v.doubleValue();
    }
}
