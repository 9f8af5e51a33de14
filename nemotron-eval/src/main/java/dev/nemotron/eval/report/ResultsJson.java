package dev.nemotron.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.eval.run.MetricValue;
import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.run.TaskResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code results.json}: per task its metrics with standard errors, problems, repeats, samples run
 * and resumed, timing, mean token counts, config digest and the config itself, plus the model and
 * the run options.
 *
 * <pre>
 * {"model": "canonical", "created": "…", "options": {"concurrency": 8, "limit": 50, …},
 *  "tasks": {"gsm8k": {"primary_metric": "exact_match",
 *                      "metrics": {"exact_match": {"value": 1.0, "stderr": 0.0}},
 *                      "docs": 50, "repeats": 1, "samples_run": 50, "resumed": 0, "seconds": 0.2,
 *                      "tokens": {"prompt": 0, "completion": 0, "reasoning": 0},
 *                      "digest": "…", "origin": "builtin:gsm8k", "samples_file": "samples_gsm8k.jsonl",
 *                      "config": {…}}}}
 * </pre>
 * A standard error that cannot be computed (one problem) is {@code null}.
 */
public final class ResultsJson {
    /** The file name in the output directory. */
    public static final String FILE = "results.json";
    private static final ObjectMapper JSON = JsonMappers.pretty();

    private ResultsJson() {
    }

    /** The document. */
    public static ObjectNode of(String model, RunOptions options, List<TaskResult> results, Path out) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", model);
        root.put("created", Instant.now().toString());
        ObjectNode o = root.putObject("options");
        o.put("concurrency", options.concurrency());
        o.put("limit", options.limit());
        o.put("bootstrap_resamples", options.bootstrapResamples());
        o.put("bootstrap_seed", options.bootstrapSeed());
        ObjectNode tasks = root.putObject("tasks");
        for (TaskResult r : results) {
            tasks.set(r.task(), task(r, out));
        }
        return root;
    }

    /** One task's entry. */
    public static ObjectNode task(TaskResult r, Path out) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("primary_metric", r.primaryMetric());
        ObjectNode metrics = t.putObject("metrics");
        for (Map.Entry<String, MetricValue> e : r.metrics().entrySet()) {
            ObjectNode m = metrics.putObject(e.getKey());
            number(m, "value", e.getValue().value());
            number(m, "stderr", e.getValue().stderr());
        }
        t.put("docs", r.docs());
        t.put("repeats", r.repeats());
        t.put("samples_run", r.samplesRun());
        t.put("resumed", r.resumed());
        t.put("seconds", r.seconds());
        ObjectNode tokens = t.putObject("tokens");
        tokens.put("prompt", r.tokens().prompt());
        tokens.put("completion", r.tokens().completion());
        tokens.put("reasoning", r.tokens().reasoning());
        t.put("digest", r.digest());
        t.put("origin", r.origin());
        Path samples = r.samplesFile();
        t.put("samples_file", out != null && samples.startsWith(out) ? out.relativize(samples).toString() : samples.toString());
        t.set("config", r.config());
        return t;
    }

    /** Writes {@code out/results.json}; returns its path. */
    public static Path write(Path out, String model, RunOptions options, List<TaskResult> results) {
        Path file = out.resolve(FILE);
        ObjectNode doc = of(model, options, results, out);
        AtomicWrite.atomically(file, s -> s.write((JSON.writeValueAsString(doc) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return file;
    }

    static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }
}
