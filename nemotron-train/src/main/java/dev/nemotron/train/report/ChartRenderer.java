package dev.nemotron.train.report;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws {@link Curve}s with JFreeChart and writes the PNG. Only loaded after {@link Headless#ensure()}. */
final class ChartRenderer {
    /** One colour per run (Tableau 10). */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    private static final Color EVAL_SINGLE = new Color(0xd62728);

    private ChartRenderer() {
    }

    /**
     * @param compare true when curves of several runs share the chart (the raw lines then stay out of the legend)
     */
    static JFreeChart chart(List<Curve> curves, ChartOptions options, boolean compare) {
        return chart(curves, options, compare, "step", "loss (nats per token)");
    }

    /** {@link #chart(List, ChartOptions, boolean)} with other axis labels (x stays integer-valued). */
    static JFreeChart chart(List<Curve> curves, ChartOptions options, boolean compare, String xLabel, String yLabel) {
        NumberAxis x = new NumberAxis(xLabel);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setNoDataMessage("no loss records yet");
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int index = 0;
        for (Curve c : curves) {
            XYSeries s = new XYSeries(c.name(), true, false);
            for (LossPoint p : c.points()) {
                if (Double.isFinite(p.loss())) {
                    s.add(p.step(), p.loss());
                    lo = Math.min(lo, p.loss());
                    hi = Math.max(hi, p.loss());
                }
            }
            plot.setDataset(index, new XYSeriesCollection(s));
            plot.setRenderer(index, renderer(c, compare));
            index++;
        }
        for (ReferenceLine r : options.references()) {
            plot.addRangeMarker(marker(r), Layer.FOREGROUND);
            lo = Math.min(lo, r.value());
            hi = Math.max(hi, r.value());
        }
        if (lo <= hi) {
            double pad = hi > lo ? (hi - lo) * 0.05 : Math.max(0.1, Math.abs(hi) * 0.05);
            y.setRange(lo - pad, hi + pad);
        }
        JFreeChart chart = new JFreeChart(options.title().isEmpty() ? null : options.title(),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYLineAndShapeRenderer renderer(Curve c, boolean compare) {
        Color base = PALETTE[Math.floorMod(c.color(), PALETTE.length)];
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, c.style() == Curve.Style.EVAL);
        switch (c.style()) {
            case RAW -> {
                r.setSeriesPaint(0, new Color(base.getRed(), base.getGreen(), base.getBlue(), compare ? 60 : 90));
                r.setSeriesStroke(0, new BasicStroke(1f));
                r.setSeriesVisibleInLegend(0, !compare);
            }
            case SMOOTHED -> {
                r.setSeriesPaint(0, base);
                r.setSeriesStroke(0, new BasicStroke(2.2f));
            }
            case EVAL -> {
                r.setSeriesPaint(0, compare ? base.darker() : EVAL_SINGLE);
                r.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
                r.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
            }
        }
        return r;
    }

    private static ValueMarker marker(ReferenceLine r) {
        ValueMarker m = new ValueMarker(r.value(), new Color(0x555555),
                new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {3f, 3f}, 0f));
        String value = String.format(Locale.ROOT, "%.3g", r.value());
        m.setLabel(r.label().isEmpty() ? value : r.label() + " (" + value + ")");
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        m.setLabelPaint(new Color(0x333333));
        m.setLabelBackgroundColor(new Color(255, 255, 255, 210));
        m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        return m;
    }

    /** Writes the chart as a PNG atomically ({@link AtomicFiles}). */
    static void writePng(JFreeChart chart, Path png, int width, int height) {
        Path abs = png.toAbsolutePath();
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            AtomicFiles.writeStream(abs, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
        } catch (IOException e) {
            throw new NemotronException(png + ": cannot write the chart: " + e.getMessage(), e);
        }
    }
}
