package dev.nemotron.eval.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The report's PNG charts, drawn with JFreeChart off-screen. */
public final class Charts {
    private static final Color BAR = new Color(0x1f77b4);
    private static final Color GRID = new Color(0xdddddd);

    private Charts() {
    }

    /**
     * One bar per task (e.g. each task's primary metric), values in [0, 1] unless some are larger.
     *
     * @param values task name to value, in bar order
     */
    public static void bars(Map<String, Double> values, String title, String axisLabel, Path png) {
        Headless.ensure();
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double max = 1;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            data.addValue(e.getValue(), axisLabel, e.getKey());
            max = Math.max(max, e.getValue());
        }
        NumberAxis y = new NumberAxis(axisLabel);
        y.setRange(0, max * 1.08);
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setSeriesPaint(0, BAR);
        renderer.setShadowVisible(false);
        renderer.setMaximumBarWidth(0.12);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat("0.000")));
        renderer.setDefaultItemLabelsVisible(true);
        CategoryAxis x = new CategoryAxis("task");
        x.setMaximumCategoryLabelLines(3);
        CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        write(chart, png, Math.max(520, 160 + 170 * values.size()), 440);
    }

    /**
     * A line with points and ±1 standard-error bars: y against x (the budget sweep's accuracy
     * against {@code max_thinking_tokens}).
     */
    public static void line(List<double[]> xyErr, String title, String xLabel, String yLabel, Path png) {
        Headless.ensure();
        YIntervalSeries s = new YIntervalSeries(yLabel);
        double max = 1;
        for (double[] p : xyErr) {
            double err = Double.isNaN(p[2]) ? 0 : p[2];
            s.add(p[0], p[1], p[1] - err, p[1] + err);
            max = Math.max(max, p[1] + err);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        data.addSeries(s);
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(true);
        NumberAxis y = new NumberAxis(yLabel);
        y.setRange(0, max * 1.05);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setSeriesPaint(0, BAR);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setErrorPaint(BAR);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        write(chart, png, 720, 440);
    }

    private static void write(JFreeChart chart, Path png, int width, int height) {
        AtomicWrite.atomically(png, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }
}
