package dev.nemotron.eval.report;

import dev.nemotron.eval.run.MetricValue;
import dev.nemotron.eval.run.TaskResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.md}: the model, a table of every task's metrics (value ± standard error, problems,
 * repeats, time, mean tokens) and the accuracy chart.
 */
public final class MarkdownReport {
    /** The file name in the output directory. */
    public static final String FILE = "report.md";

    private MarkdownReport() {
    }

    /** The report's text; {@code chart} is the PNG's file name beside it, or null for none. */
    public static String render(String model, List<TaskResult> results, String chart) {
        StringBuilder b = new StringBuilder();
        b.append("# Evaluation of `").append(model).append("`\n\n");
        b.append(table(results)).append('\n');
        if (chart != null) {
            b.append("![primary metric per task](").append(chart).append(")\n\n");
        }
        b.append("Standard errors: bootstrap over problems. Samples: `samples_TASK.jsonl` beside this file;"
                + " aggregates: `results.json`.\n");
        return b.toString();
    }

    /** The metrics table alone. */
    public static String table(List<TaskResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("| task | metric | value | ± stderr | problems | repeats | seconds | mean tokens (reasoning) |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (TaskResult r : results) {
            boolean first = true;
            for (Map.Entry<String, MetricValue> e : r.metrics().entrySet()) {
                b.append("| ").append(first ? r.task() : "").append(" | ").append(e.getKey()).append(" | ")
                        .append(fmt(e.getValue().value())).append(" | ").append(fmt(e.getValue().stderr())).append(" | ");
                if (first) {
                    b.append(r.docs()).append(" | ").append(r.repeats()).append(" | ")
                            .append(String.format(Locale.ROOT, "%.1f", r.seconds())).append(" | ")
                            .append(String.format(Locale.ROOT, "%.0f (%.0f)", r.tokens().completion(), r.tokens().reasoning()))
                            .append(" |\n");
                } else {
                    b.append(" |  |  |  |\n");
                }
                first = false;
            }
        }
        return b.toString();
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
    }
}
