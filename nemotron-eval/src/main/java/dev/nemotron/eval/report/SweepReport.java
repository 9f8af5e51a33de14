package dev.nemotron.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.eval.run.BudgetSweep;
import dev.nemotron.eval.run.TaskResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The budget sweep's reports: {@code budget_sweep.json} (per budget: the primary metric, its
 * standard error, mean reasoning and completion tokens), {@code budget_sweep.md} (the same as a
 * table, with the chart) and {@code budget_sweep.png} (the metric against
 * {@code max_thinking_tokens}, ±1 standard error).
 */
public final class SweepReport {
    public static final String JSON_FILE = "budget_sweep.json";
    public static final String MD_FILE = "budget_sweep.md";
    public static final String PNG_FILE = "budget_sweep.png";
    private static final ObjectMapper JSON = JsonMappers.pretty();

    private SweepReport() {
    }

    /** The JSON document. */
    public static ObjectNode json(String model, String task, List<BudgetSweep.Point> points) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", model);
        root.put("task", task);
        root.put("metric", points.getFirst().result().primaryMetric());
        ArrayNode rows = root.putArray("points");
        for (BudgetSweep.Point p : points) {
            TaskResult r = p.result();
            ObjectNode row = rows.addObject();
            row.put("max_thinking_tokens", p.budget());
            ResultsJson.number(row, "value", r.primary().value());
            ResultsJson.number(row, "stderr", r.primary().stderr());
            row.put("mean_reasoning_tokens", r.tokens().reasoning());
            row.put("mean_completion_tokens", r.tokens().completion());
            row.put("docs", r.docs());
            row.put("repeats", r.repeats());
            row.put("seconds", r.seconds());
        }
        return root;
    }

    /** The markdown table. */
    public static String table(List<BudgetSweep.Point> points) {
        StringBuilder b = new StringBuilder();
        String metric = points.getFirst().result().primaryMetric();
        b.append("| max_thinking_tokens | ").append(metric).append(" | ± stderr | mean reasoning tokens | mean completion tokens | problems |\n");
        b.append("|---:|---:|---:|---:|---:|---:|\n");
        for (BudgetSweep.Point p : points) {
            TaskResult r = p.result();
            b.append("| ").append(p.budget()).append(" | ").append(MarkdownReport.fmt(r.primary().value())).append(" | ")
                    .append(MarkdownReport.fmt(r.primary().stderr())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", r.tokens().reasoning())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", r.tokens().completion())).append(" | ")
                    .append(r.docs()).append(" |\n");
        }
        return b.toString();
    }

    /** Writes the three files into {@code out}; returns the JSON file. */
    public static Path write(Path out, String model, String task, List<BudgetSweep.Point> points) {
        ObjectNode doc = json(model, task, points);
        Path json = out.resolve(JSON_FILE);
        AtomicWrite.atomically(json, s -> s.write((JSON.writeValueAsString(doc) + "\n").getBytes(StandardCharsets.UTF_8)));
        List<double[]> xy = new ArrayList<>();
        for (BudgetSweep.Point p : points) {
            xy.add(new double[] {p.budget(), p.result().primary().value(), p.result().primary().stderr()});
        }
        xy.sort((a, c) -> Double.compare(a[0], c[0]));
        String metric = points.getFirst().result().primaryMetric();
        if (ChartSupport.available()) {
            Charts.line(xy, task + ": " + metric + " vs thinking budget (" + model + ")", "max_thinking_tokens", metric,
                    out.resolve(PNG_FILE));
        } else {
            ChartSupport.skipped(out.resolve(PNG_FILE));
        }
        AtomicWrite.text(out.resolve(MD_FILE), "# Thinking-budget sweep: `" + task + "` on `" + model + "`\n\n"
                + table(points) + "\n![" + metric + " vs max_thinking_tokens](" + PNG_FILE + ")\n");
        return json;
    }
}
