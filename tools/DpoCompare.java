import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.train.report.ChartOptions;
import dev.nemotron.train.report.LossPoint;
import dev.nemotron.train.report.PointChart;
import dev.nemotron.train.report.ReferenceLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The DPO experiment's table and charts (tools/alignment-dpo.sh): the SFT and DPO models' scores from
 * `nemotron eval run` (RUN/eval-{sft,dpo}/{greedy,sampled}/results.json), the pairs' counts, and the DPO run's
 * per-step metrics (RUN/dpo/metrics.jsonl) drawn with the SDK's PointChart.
 *
 *   java --module-path nemotron-cli/target/lib --add-modules dev.nemotron.train,org.jfree.jfreechart,java.desktop,com.fasterxml.jackson.databind tools/DpoCompare.java RUN OUT_DIR
 */
public final class DpoCompare {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        ObjectNode result = JSON.createObjectNode();
        // 1. scores: task -> {sft, dpo}
        StringBuilder table = new StringBuilder("| task | metric | SFT | DPO | change |\n|---|---|---:|---:|---:|\n");
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (String kind : List.of("greedy", "sampled")) {
            JsonNode sft = JSON.readTree(run.resolve("eval-sft").resolve(kind).resolve("results.json").toFile()).get("tasks");
            JsonNode dpo = JSON.readTree(run.resolve("eval-dpo").resolve(kind).resolve("results.json").toFile()).get("tasks");
            for (var it = sft.fieldNames(); it.hasNext(); ) {
                String task = it.next();
                String metric = sft.get(task).get("primary_metric").asText();
                JsonNode a = sft.get(task).get("metrics").get(metric);
                JsonNode b = dpo.get(task).get("metrics").get(metric);
                double va = a.get("value").asDouble();
                double vb = b.get("value").asDouble();
                scores.put(task, new double[] {va, vb});
                ObjectNode t = result.putObject(task);
                t.put("metric", metric).put("repeats", sft.get(task).get("repeats").asInt());
                t.put("sft", va).put("sft_stderr", a.path("stderr").asDouble(Double.NaN));
                t.put("dpo", vb).put("dpo_stderr", b.path("stderr").asDouble(Double.NaN));
                table.append(String.format(Locale.ROOT, "| %s | %s%s | %.3f ± %.3f | %.3f ± %.3f | %+.3f |%n", task, metric,
                        sft.get(task).get("repeats").asInt() > 1 ? " (avg@" + sft.get(task).get("repeats").asInt() + ")" : "",
                        va, a.path("stderr").asDouble(Double.NaN), vb, b.path("stderr").asDouble(Double.NaN), vb - va));
            }
        }
        result.set("pairs", JSON.readTree(run.resolve("pairs_counts.json").toFile()));
        // 2. the DPO run's per-step metrics
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("dpo").resolve("metrics.jsonl"))) {
            steps.add(JSON.readTree(line));
        }
        Map<String, List<LossPoint>> train = new LinkedHashMap<>();
        Map<String, List<LossPoint>> logps = new LinkedHashMap<>();
        for (String f : List.of("loss", "reward_accuracy", "reward_margin")) {
            train.put(f, steps.stream().map(s -> new LossPoint(s.get("step").asLong(), s.get(f).asDouble())).toList());
        }
        for (String f : List.of("chosen_logp", "rejected_logp")) {
            logps.put(f, steps.stream().map(s -> new LossPoint(s.get("step").asLong(), s.get(f).asDouble())).toList());
        }
        JsonNode first = steps.getFirst();
        JsonNode last = steps.getLast();
        ObjectNode curve = result.putObject("dpo_training");
        for (String f : List.of("loss", "reward_accuracy", "reward_margin", "chosen_logp", "rejected_logp")) {
            curve.put(f + "_first", first.get(f).asDouble()).put(f + "_last", last.get(f).asDouble());
        }
        PointChart.render(train, out.resolve("dpo_training.png"), ChartOptions.defaults().withSize(900, 520)
                .withTitle("DPO on on-policy pairs: loss, reward accuracy and margin per step (batch of 8 pairs)")
                .withReference(new ReferenceLine(Math.log(2), "log 2 (loss at the start)")), "step", "value");
        PointChart.render(logps, out.resolve("dpo_logps.png"), ChartOptions.defaults().withSize(900, 520)
                .withTitle("log pi(response | prompt) of the chosen and rejected responses per step"), "step",
                "summed log-prob (nats)");
        Map<String, List<LossPoint>> acc = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            acc.put(e.getKey(), List.of(new LossPoint(0, e.getValue()[0]), new LossPoint(1, e.getValue()[1])));
        }
        PointChart.render(acc, out.resolve("dpo_accuracy.png"), ChartOptions.defaults().withSize(900, 520)
                .withTitle("Exact match before (0 = SFT) and after (1 = SFT + DPO)"), "0 = SFT, 1 = SFT + DPO", "exact match");
        Files.writeString(out.resolve("dpo_compare.json"), result.toPrettyString() + "\n");
        Files.writeString(out.resolve("dpo_compare.md"), table.toString());
        System.out.print(table);
        System.out.println("wrote " + out.resolve("dpo_compare.json") + ", dpo_compare.md, dpo_training.png, dpo_logps.png, dpo_accuracy.png");
    }
}
