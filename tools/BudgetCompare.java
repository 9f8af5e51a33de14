import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Compares thinking-budget sweeps (`nemotron eval budget-sweep --out DIR`) of several models on a
 * task whose answer is a number (arithmetic): per budget, from every `DIR/budget-B/` samples file,
 *
 *   well_formed  the reply stopped by itself (finish_reason "stop"), its reasoning is closed, and
 *                the answer after </think> is present and is only a number (no rationale moved
 *                into the answer)
 *   answer_chars mean length of the answer after </think>, stripped, in characters
 *   accuracy     the task's exact_match
 *
 * and writes OUT/budget_compare.md (the table), OUT/budget_compare.json and three PNG charts.
 * Run with the JDK's source launcher and the CLI's libraries on the class path:
 *   java -cp "nemotron-cli/target/lib/*" tools/BudgetCompare.java OUT NAME=SWEEP_DIR NAME=SWEEP_DIR ...
 */
public class BudgetCompare {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+");

    record Point(int budget, int n, double wellFormed, double answerChars, double accuracy, double reasoningTokens) {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        TreeMap<String, List<Point>> runs = new TreeMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            runs.put(kv[0], points(Path.of(kv[1])));
        }
        StringBuilder md = new StringBuilder("| model | max_thinking_tokens | well-formed | mean answer chars | accuracy | mean reasoning tokens | problems |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        var root = JSON.createObjectNode();
        runs.forEach((name, pts) -> {
            var arr = root.putArray(name);
            for (Point p : pts) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.1f | %.3f | %.1f | %d |%n", name, p.budget(), p.wellFormed(),
                        p.answerChars(), p.accuracy(), p.reasoningTokens(), p.n()));
                arr.addObject().put("max_thinking_tokens", p.budget()).put("well_formed", p.wellFormed())
                        .put("mean_answer_chars", p.answerChars()).put("accuracy", p.accuracy())
                        .put("mean_reasoning_tokens", p.reasoningTokens()).put("problems", p.n());
            }
        });
        Files.writeString(out.resolve("budget_compare.md"), md.toString());
        Files.writeString(out.resolve("budget_compare.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        chart(runs, "well-formed replies", Point::wellFormed, out.resolve("well_formed.png"));
        chart(runs, "mean answer length (chars)", Point::answerChars, out.resolve("answer_length.png"));
        chart(runs, "accuracy (exact match)", Point::accuracy, out.resolve("accuracy.png"));
        System.out.print(md);
    }

    static List<Point> points(Path sweep) throws IOException {
        List<Point> pts = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(sweep)) {
            dirs = s.filter(p -> p.getFileName().toString().startsWith("budget-") && Files.isDirectory(p)).toList();
        }
        for (Path dir : dirs) {
            int budget = Integer.parseInt(dir.getFileName().toString().substring("budget-".length()));
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(p -> p.getFileName().toString().startsWith("samples") && p.toString().endsWith(".jsonl")).toList();
            }
            int n = 0;
            double formed = 0;
            double chars = 0;
            double acc = 0;
            double reasoning = 0;
            for (Path f : files) {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode s = JSON.readTree(line);
                    String answer = s.path("completion").asText("").strip();
                    boolean closed = !answer.contains("<think>") && !answer.contains("</think>");
                    boolean stopped = s.path("finish_reason").asText("").equals("stop");
                    formed += stopped && closed && NUMBER.matcher(answer).matches() ? 1 : 0;
                    chars += answer.length();
                    acc += s.path("scores").path("exact_match").asDouble(0);
                    reasoning += s.path("reasoning_tokens").asDouble(0);
                    n++;
                }
            }
            if (n > 0) {
                pts.add(new Point(budget, n, formed / n, chars / n, acc / n, reasoning / n));
            }
        }
        pts.sort((a, b) -> Integer.compare(a.budget(), b.budget()));
        return pts;
    }

    static void chart(TreeMap<String, List<Point>> runs, String what, java.util.function.ToDoubleFunction<Point> f, Path png)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        runs.forEach((name, pts) -> {
            XYSeries s = new XYSeries(name);
            pts.forEach(p -> s.add(p.budget(), f.applyAsDouble(p)));
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(what + " vs thinking budget", "max_thinking_tokens", what, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 800, 500);
    }
}
