package dev.nemotron.train.report;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss-curve PNG of a training run (JFreeChart, drawn headless).
 *
 * <p>One run ({@link #render}): the training loss per step as a thin line, its EMA
 * ({@link ChartOptions#smoothing()}) as a thick one, and the held-out loss as points at the steps
 * where it was evaluated. Several runs ({@link #compare}), e.g. FP8 against FP32: one colour per
 * run, its smoothed training loss (the raw line faint behind it) and its held-out points.
 * Both draw the {@link ChartOptions#references() reference lines}, e.g. the unigram entropy of
 * the data. The data comes from each run directory's {@code metrics.jsonl} ({@link RunMetrics}).
 *
 * <pre>{@code
 * LossChart.render(Path.of("runs/tiny"));                           // runs/tiny/loss.png
 * LossChart.compare(Map.of("fp32", Path.of("runs/a"), "fp8", Path.of("runs/b")), Path.of("fp8-vs-fp32.png"),
 *         ChartOptions.defaults().withReference(new ReferenceLine(5.8, "unigram entropy")));
 * }</pre>
 */
public final class LossChart {
    /** The default file name of a run's chart, in the run directory. */
    public static final String FILE = "loss.png";

    private LossChart() {
    }

    /** Draws {@code runDir/metrics.jsonl} into {@code runDir/loss.png} with the default options; returns the PNG. */
    public static Path render(Path runDir) {
        Path png = runDir.resolve(FILE);
        render(runDir, png, ChartOptions.defaults());
        return png;
    }

    /** Draws the run in {@code runDir} (or a metrics file) into {@code png}; returns what was drawn. */
    public static RunMetrics render(Path runDir, Path png, ChartOptions options) {
        RunMetrics m = RunMetrics.read(runDir);
        render(m, png, options);
        return m;
    }

    /** Draws one run's curves into {@code png}. */
    public static void render(RunMetrics metrics, Path png, ChartOptions options) {
        List<Curve> curves = new ArrayList<>();
        if (!metrics.train().isEmpty()) {
            curves.add(new Curve("train loss", metrics.train(), Curve.Style.RAW, 0));
            curves.add(new Curve(String.format(java.util.Locale.ROOT, "train loss (EMA %.2f)", options.smoothing()),
                    Smoothing.ema(metrics.train(), options.smoothing()), Curve.Style.SMOOTHED, 0));
        }
        if (!metrics.eval().isEmpty()) {
            curves.add(new Curve("held-out loss", metrics.eval(), Curve.Style.EVAL, 0));
        }
        draw(curves, png, options, false);
    }

    /** {@link #compare(Map, Path, ChartOptions)} with the default options and the title "Loss". */
    public static Map<String, RunMetrics> compare(Map<String, Path> runs, Path png) {
        return compare(runs, png, ChartOptions.defaults());
    }

    /**
     * Overlays several runs, in the map's iteration order (use a {@link LinkedHashMap} to choose
     * the colours' order).
     *
     * @param runs run name (the legend) to run directory or metrics file
     * @return what was read, by run name
     */
    public static Map<String, RunMetrics> compare(Map<String, Path> runs, Path png, ChartOptions options) {
        if (runs.isEmpty()) {
            throw new NemotronException("nothing to compare: no run given");
        }
        Map<String, RunMetrics> read = new LinkedHashMap<>();
        runs.forEach((name, dir) -> read.put(name, RunMetrics.read(dir)));
        compareMetrics(read, png, options);
        return read;
    }

    /** Overlays runs already read. */
    public static void compareMetrics(Map<String, RunMetrics> runs, Path png, ChartOptions options) {
        List<Curve> raw = new ArrayList<>();
        List<Curve> smooth = new ArrayList<>();
        List<Curve> eval = new ArrayList<>();
        int color = 0;
        for (Map.Entry<String, RunMetrics> e : runs.entrySet()) {
            RunMetrics m = e.getValue();
            raw.add(new Curve(e.getKey() + " (raw)", m.train(), Curve.Style.RAW, color));
            smooth.add(new Curve(e.getKey(), Smoothing.ema(m.train(), options.smoothing()), Curve.Style.SMOOTHED, color));
            if (!m.eval().isEmpty()) {
                eval.add(new Curve(e.getKey() + " held-out", m.eval(), Curve.Style.EVAL, color));
            }
            color++;
        }
        List<Curve> all = new ArrayList<>(raw);
        all.addAll(smooth);
        all.addAll(eval);
        draw(all, png, options, true);
    }

    private static void draw(List<Curve> curves, Path png, ChartOptions options, boolean compare) {
        if (!ChartSupport.available()) {
            ChartSupport.skipped(png);
            return;
        }
        Headless.ensure();
        ChartRenderer.writePng(ChartRenderer.chart(curves, options, compare), png, options.width(), options.height());
    }
}
