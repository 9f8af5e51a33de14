import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Figure 1 of the paper in our engine (issue 16): the hybrid's and the attention-only model's
 * decode throughput at the largest batch that fits a memory budget, from the JSON files
 * `plugins/backend-cuda/device/issue16.sh OUT figure1 figure1-uncapped` writes
 * (OUT/figure1-gG-MODEL.json, `nemotron bench --memory-budget-gib G --json`).
 * Prints a markdown table (batch, decode and end-to-end output tokens/s, roofline fraction, the
 * hybrid-to-attention ratios) and writes a bar chart.
 *   java -cp "nemotron-cli/target/lib/*" tools/Figure1Chart.java DIR OUT.png
 */
public class Figure1Chart {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HYBRID = "nemotron-nano-9b-v2", ATTENTION = "attention-8b";

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args[0]);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        System.out.println("| budget | model | batch | decode tok/s | of roofline | end-to-end output tok/s |");
        System.out.println("|---|---|---|---|---|---|");
        StringBuilder ratios = new StringBuilder();
        for (String g : new String[] {"22", "70"}) {
            double[] decode = new double[2], e2e = new double[2];
            String[] models = {HYBRID, ATTENTION};
            for (int m = 0; m < 2; m++) {
                Path f = dir.resolve("figure1-g" + g + "-" + models[m] + ".json");
                if (!Files.exists(f)) {
                    continue;
                }
                JsonNode n = JSON.readTree(f.toFile());
                JsonNode d = n.path("decode").path(0);
                decode[m] = d.path("decode_tokens_per_s").asDouble();
                e2e[m] = d.path("end_to_end_output_tokens_per_s").asDouble();
                System.out.printf(Locale.ROOT, "| %s GiB | %s | %d | %.0f | %.0f%% | %.0f |%n", g, models[m],
                        n.path("memory_budget").path("batch").asInt(), decode[m], 100 * d.path("roofline_fraction").asDouble(), e2e[m]);
                data.addValue(decode[m], models[m], g + " GiB");
            }
            if (decode[0] > 0 && decode[1] > 0) {
                ratios.append(String.format(Locale.ROOT, "%s GiB: decode %.2fx, end to end %.2fx%n", g, decode[0] / decode[1],
                        e2e[0] / e2e[1]));
            }
        }
        System.out.print("\nhybrid / attention-only: \n" + ratios);
        JFreeChart chart = ChartFactory.createBarChart("Decode output tokens/s at the largest batch that fits (ISL 8k, context 24k)",
                "memory budget", "output tokens/s", data, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(Path.of(args[1]).toFile(), chart, 800, 480);
    }
}
