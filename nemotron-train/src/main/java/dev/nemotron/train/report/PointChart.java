package dev.nemotron.train.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A chart of named series over an integer x axis (a layer index, a rank, a removal step) with
 * axis labels of the caller's choosing, drawn like {@link LossChart}'s held-out points (markers
 * joined by a dashed line), one colour per series, in the map's iteration order. For reports that
 * are not loss curves: importance scores, sweeps.
 */
public final class PointChart {
    private PointChart() {
    }

    /**
     * Draws {@code series} (name → points, x as {@link LossPoint#step()}, y as {@link LossPoint#loss()})
     * into {@code png}; skipped with one notice when JFreeChart is absent.
     */
    public static void render(Map<String, List<LossPoint>> series, Path png, ChartOptions options, String xLabel, String yLabel) {
        if (!ChartSupport.available()) {
            ChartSupport.skipped(png);
            return;
        }
        List<Curve> curves = new ArrayList<>();
        int color = 0;
        for (Map.Entry<String, List<LossPoint>> e : series.entrySet()) {
            curves.add(new Curve(e.getKey(), e.getValue(), Curve.Style.EVAL, color++));
        }
        Headless.ensure();
        ChartRenderer.writePng(ChartRenderer.chart(curves, options, true, xLabel, yLabel), png, options.width(), options.height());
    }
}
