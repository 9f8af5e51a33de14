package dev.nemotron.eval.report;

import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.run.TaskResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's reports into its output directory: {@code results.json}, {@code report.md} and
 * {@code accuracy.png} (each task's primary metric as a bar). The samples files are already
 * there, written by the runner as samples finished.
 */
public final class ReportWriter {
    /** The chart's file name. */
    public static final String CHART = "accuracy.png";

    private ReportWriter() {
    }

    /** The files written. */
    public record Written(Path results, Path report, Path chart) {
    }

    public static Written write(Path out, String model, RunOptions options, List<TaskResult> results) {
        Path json = ResultsJson.write(out, model, options, results);
        Map<String, Double> bars = new LinkedHashMap<>();
        for (TaskResult r : results) {
            bars.put(r.task() + " (" + r.primaryMetric() + ")", r.primary().value());
        }
        Path chart = out.resolve(CHART);
        if (ChartSupport.available()) {
            Charts.bars(bars, "Evaluation of " + model, "score", chart);
        } else {
            ChartSupport.skipped(chart);
        }
        Path md = out.resolve(MarkdownReport.FILE);
        AtomicWrite.text(md, MarkdownReport.render(model, results, CHART));
        return new Written(json, md, chart);
    }
}
