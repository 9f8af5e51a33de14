import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The RSS curve of a server soak (tools/soak.sh): rss.csv (seconds,rss_mib,requests,errors) to a
 * PNG. Run with the JDK's source launcher and JFreeChart on the class path:
 * {@code java -cp jfreechart.jar tools/SoakChart.java rss.csv rss.png TITLE}.
 */
public class SoakChart {
    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        XYSeries rss = new XYSeries("server RSS (MiB)");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            rss.add(Double.parseDouble(f[0]) / 60.0, Double.parseDouble(f[1]));
        }
        JFreeChart chart = ChartFactory.createXYLineChart(args.length > 2 ? args[2] : "server soak", "minutes",
                "resident memory (MiB)", new XYSeriesCollection(rss), PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
        plot.getRenderer().setSeriesPaint(0, new Color(0x76, 0xb9, 0x00));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(Path.of(args[1]).toFile(), chart, 900, 450);
    }
}
