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
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The merge sweep's trade-off table and charts (tools/alignment-merge-sweep.sh). Per merge α (the
 * story model's weight), from the merge's directory:
 *
 *   arith_loss, story_chat_loss, story_text_loss  held-out loss in nats per token of the reference
 *       continuations: -(sum of `loglikelihood`) / (sum of `continuation_tokens`) over
 *       DIR/loss/samples_TASK.jsonl (`nemotron eval run` of a log-likelihood task)
 *   accuracy, well_formed  from tools/BudgetCompare.java's JSON (key "alpha" + α, its one budget)
 *
 * Writes OUT/merge_sweep.{md,json,csv}, OUT/merge_losses.png (losses vs α), OUT/merge_arith.png
 * (accuracy and well-formed vs α) and OUT/merge_tradeoff.png (arithmetic loss vs story loss).
 * An argument ref:NAME=DIR (DIR/loss/ as above) adds a reference model's losses to the table and JSON.
 *   java -cp "nemotron-cli/target/lib/*" tools/MergeSweep.java OUT BUDGET_COMPARE.json ALPHA=MERGE_DIR ... [ref:NAME=DIR]
 */
public class MergeSweep {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Row(double alpha, double arithLoss, double storyChatLoss, double storyTextLoss, double accuracy, double wellFormed,
               int problems) {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(args[0]);
        JsonNode compare = JSON.readTree(Path.of(args[1]).toFile());
        List<Row> rows = new ArrayList<>();
        StringBuilder refs = new StringBuilder();
        var refJson = JSON.createObjectNode();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            Path dir = Path.of(kv[1]);
            if (kv[0].startsWith("ref:")) { // a reference model (not a merge): its losses only
                String name = kv[0].substring(4);
                double a = loss(dir, "arith_loss"), c = loss(dir, "story_chat_loss"), t = loss(dir, "story_text_loss");
                refs.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | | |%n", name, a, c, t));
                refJson.putObject(name).put("arith_loss", a).put("story_chat_loss", c).put("story_text_loss", t);
                continue;
            }
            JsonNode point = compare.path("alpha" + kv[0]).path(0);
            rows.add(new Row(Double.parseDouble(kv[0]), loss(dir, "arith_loss"), loss(dir, "story_chat_loss"),
                    loss(dir, "story_text_loss"), point.path("accuracy").asDouble(Double.NaN),
                    point.path("well_formed").asDouble(Double.NaN), point.path("problems").asInt()));
        }
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder("| α (story weight) | arithmetic loss | story loss (chat) | story loss (text) | accuracy | well-formed |\n");
        md.append("|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder csv = new StringBuilder("alpha,arith_loss,story_chat_loss,story_text_loss,accuracy,well_formed,problems\n");
        var root = JSON.createObjectNode();
        var arr = root.putArray("merges");
        root.set("references", refJson);
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %.2f | %.3f | %.3f | %.3f | %.2f | %.2f |%n", r.alpha(), r.arithLoss(),
                    r.storyChatLoss(), r.storyTextLoss(), r.accuracy(), r.wellFormed()));
            csv.append(String.format(Locale.ROOT, "%s,%.5f,%.5f,%.5f,%.4f,%.4f,%d%n", r.alpha(), r.arithLoss(), r.storyChatLoss(),
                    r.storyTextLoss(), r.accuracy(), r.wellFormed(), r.problems()));
            arr.addObject().put("alpha", r.alpha()).put("arith_loss", r.arithLoss()).put("story_chat_loss", r.storyChatLoss())
                    .put("story_text_loss", r.storyTextLoss()).put("accuracy", r.accuracy()).put("well_formed", r.wellFormed())
                    .put("problems", r.problems());
        }
        md.append(refs);
        Files.writeString(out.resolve("merge_sweep.md"), md.toString());
        Files.writeString(out.resolve("merge_sweep.csv"), csv.toString());
        Files.writeString(out.resolve("merge_sweep.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");

        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(series("arithmetic (reasoning + answer)", rows, Row::arithLoss));
        losses.addSeries(series("story, chat format", rows, Row::storyChatLoss));
        losses.addSeries(series("story, plain text", rows, Row::storyTextLoss));
        save(ChartFactory.createXYLineChart("held-out loss vs merge weight", "α (weight of the story model)",
                "nats per token", losses, PlotOrientation.VERTICAL, true, false, false), null, out.resolve("merge_losses.png"));
        XYSeriesCollection arith = new XYSeriesCollection();
        arith.addSeries(series("accuracy", rows, Row::accuracy));
        arith.addSeries(series("well-formed", rows, Row::wellFormed));
        save(ChartFactory.createXYLineChart("arithmetic (100 problems, greedy) vs merge weight", "α (weight of the story model)",
                "fraction", arith, PlotOrientation.VERTICAL, true, false, false), null, out.resolve("merge_arith.png"));
        XYSeries curve = new XYSeries("merges", false, true);
        rows.forEach(r -> curve.add(r.storyChatLoss(), r.arithLoss()));
        XYSeriesCollection trade = new XYSeriesCollection(curve);
        save(ChartFactory.createXYLineChart("trade-off: each point a merge, labelled with α", "story loss, chat format (nats/token)",
                "arithmetic loss (nats/token)", trade, PlotOrientation.VERTICAL, false, false, false),
                (d, s, item) -> String.format(Locale.ROOT, "α=%.2f", rows.get(item).alpha()), out.resolve("merge_tradeoff.png"));
        System.out.print(md);
    }

    static double loss(Path dir, String task) throws IOException {
        double ll = 0;
        long tokens = 0;
        for (String line : Files.readAllLines(dir.resolve("loss").resolve("samples_" + task + ".jsonl"))) {
            if (!line.isBlank()) {
                JsonNode s = JSON.readTree(line);
                ll += s.path("loglikelihood").asDouble();
                tokens += s.path("continuation_tokens").asLong();
            }
        }
        return tokens == 0 ? Double.NaN : -ll / tokens;
    }

    static XYSeries series(String name, List<Row> rows, java.util.function.ToDoubleFunction<Row> f) {
        XYSeries s = new XYSeries(name);
        rows.forEach(r -> s.add(r.alpha(), f.applyAsDouble(r)));
        return s;
    }

    static void save(JFreeChart chart, XYItemLabelGenerator labels, Path png) throws IOException {
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        if (labels != null) {
            r.setDefaultItemLabelGenerator(labels);
            r.setDefaultItemLabelsVisible(true);
        }
        plot.setRenderer(r);
        if (plot.getRangeAxis() instanceof org.jfree.chart.axis.NumberAxis n) {
            n.setAutoRangeIncludesZero(false);
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 800, 500);
    }
}
