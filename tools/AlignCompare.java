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
 * The alignment experiments' before/after table and charts (tools/alignment-rl.sh): the SFT model's and the
 * aligned model's scores from `nemotron eval run` (RUN/eval-{sft,NAME}/{greedy,sampled}/results.json, NAME = dpo
 * or grpo) with their standard errors, drawn with the SDK's PointChart; for DPO also the pairs' counts
 * (RUN/pairs_counts.json) and the DPO run's per-step metrics (RUN/dpo/metrics.jsonl); for a GRPO run
 * (RUN/NAME/metrics.jsonl with reward_mean) its mean reward per step with a 5-step moving mean and the means of
 * its first and last thirds. Without RUN/eval-NAME only the reward chart is drawn (the ifeval run).
 *
 *   java --module-path nemotron-cli/target/lib --add-modules dev.nemotron.train,org.jfree.jfreechart,java.desktop,com.fasterxml.jackson.databind tools/AlignCompare.java RUN OUT_DIR [dpo|grpo]
 */
public final class AlignCompare {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String name = args.length > 2 ? args[2] : "dpo";
        String label = name.toUpperCase(Locale.ROOT);
        Files.createDirectories(out);
        ObjectNode result = JSON.createObjectNode();
        Path metrics = run.resolve(name).resolve("metrics.jsonl");
        if (Files.exists(metrics) && Files.readAllLines(metrics).getFirst().contains("\"reward_mean\"")) {
            rewardChart(metrics, out.resolve(name + "_reward.png"), result);
        }
        if (!Files.isDirectory(run.resolve("eval-" + name))) {
            Files.writeString(out.resolve(name + "_compare.json"), result.toPrettyString() + "\n");
            System.out.println(result.toPrettyString());
            return;
        }
        // 1. scores: task -> {sft, dpo}
        StringBuilder table = new StringBuilder("| task | metric | SFT | SFT + " + label + " | change ± paired stderr |\n|---|---|---:|---:|---:|\n");
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (String kind : List.of("greedy", "sampled")) {
            JsonNode sft = JSON.readTree(run.resolve("eval-sft").resolve(kind).resolve("results.json").toFile()).get("tasks");
            JsonNode dpo = JSON.readTree(run.resolve("eval-" + name).resolve(kind).resolve("results.json").toFile()).get("tasks");
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
                t.put(name, vb).put(name + "_stderr", b.path("stderr").asDouble(Double.NaN));
                double pairedStderr = pairedStderr(run.resolve("eval-sft").resolve(kind).resolve("samples_" + task + ".jsonl"),
                        run.resolve("eval-" + name).resolve(kind).resolve("samples_" + task + ".jsonl"));
                t.put("change", vb - va).put("change_paired_stderr", pairedStderr);
                table.append(String.format(Locale.ROOT, "| %s | %s%s | %.3f ± %.3f | %.3f ± %.3f | %+.3f ± %.3f |%n", task,
                        metric, sft.get(task).get("repeats").asInt() > 1 ? " (avg@" + sft.get(task).get("repeats").asInt() + ")" : "",
                        va, a.path("stderr").asDouble(Double.NaN), vb, b.path("stderr").asDouble(Double.NaN), vb - va, pairedStderr));
            }
        }
        Map<String, List<LossPoint>> acc = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            acc.put(e.getKey(), List.of(new LossPoint(0, e.getValue()[0]), new LossPoint(1, e.getValue()[1])));
        }
        PointChart.render(acc, out.resolve(name + "_accuracy.png"), ChartOptions.defaults().withSize(900, 520)
                .withTitle("Exact match before (0 = SFT) and after (1 = SFT + " + label + ")"), "0 = SFT, 1 = SFT + " + label,
                "exact match");
        table.append(twins(run, name, result));
        Files.writeString(out.resolve(name + "_compare.json"), result.toPrettyString() + "\n");
        Files.writeString(out.resolve(name + "_compare.md"), table.toString());
        System.out.print(table);
        System.out.println("wrote " + out.resolve(name + "_compare.json") + ", " + name + "_compare.md, " + name + "_accuracy.png");
        if (name.equals("dpo")) {
            dpoCharts(run, out, result);
        }
    }

    /**
     * The standard error of the change between two evaluations of the same problems: per problem the difference
     * of the mean scores over its repeats, then sd / sqrt(problems) of those differences.
     */
    private static double pairedStderr(Path before, Path after) throws Exception {
        Map<Long, double[]> perDoc = new LinkedHashMap<>(); // doc -> [sum before, n before, sum after, n after]
        for (int m = 0; m < 2; m++) {
            for (String line : Files.readAllLines(m == 0 ? before : after)) {
                JsonNode d = JSON.readTree(line);
                double[] v = perDoc.computeIfAbsent(d.get("doc").asLong(), k -> new double[4]);
                v[2 * m] += d.get("scores").get("exact_match").asDouble();
                v[2 * m + 1]++;
            }
        }
        double[] diffs = perDoc.values().stream().mapToDouble(v -> v[2] / v[3] - v[0] / v[1]).toArray();
        double mean = java.util.Arrays.stream(diffs).average().orElse(Double.NaN);
        double ss = java.util.Arrays.stream(diffs).map(x -> (x - mean) * (x - mean)).sum();
        return Math.sqrt(ss / (diffs.length - 1) / diffs.length);
    }

    /**
     * The test problems split by whether their commuted twin (b + a for a + b) is one of the training prompts
     * (RUN/prompts.jsonl): exact match of each part before and after, greedy and sampled, and the share of
     * completions that ran out of tokens (no end of turn).
     */
    private static String twins(Path run, String name, ObjectNode result) throws Exception {
        java.util.Set<String> train = new java.util.HashSet<>();
        for (String line : Files.readAllLines(run.resolve("prompts.jsonl"))) {
            train.add(JSON.readTree(line).get("prompt").asText());
        }
        StringBuilder md = new StringBuilder("\n| test problems | samples | SFT | SFT + " + name.toUpperCase(Locale.ROOT)
                + " |\n|---|---:|---:|---:|\n");
        ObjectNode o = result.putObject("test_by_twin");
        for (String[] kind : List.of(new String[] {"greedy", "samples_arith1_nothink.jsonl"},
                new String[] {"sampled", "samples_arith1_nothink_t1.jsonl"})) {
            double[][] sums = new double[2][4]; // [twin?][sft right, sft n, other right, other n]
            int[] length = new int[2];
            for (int m = 0; m < 2; m++) {
                String model = m == 0 ? "sft" : name;
                for (String line : Files.readAllLines(run.resolve("eval-" + model).resolve(kind[0]).resolve(kind[1]))) {
                    JsonNode d = JSON.readTree(line);
                    String q = d.get("prompt").get(0).get("content").asText();
                    String[] p = q.substring("What is ".length(), q.length() - 1).split(" ");
                    boolean twin = p[1].equals("+") && train.contains("What is " + p[2] + " + " + p[0] + "?");
                    sums[twin ? 1 : 0][2 * m] += d.get("scores").get("exact_match").asDouble();
                    sums[twin ? 1 : 0][2 * m + 1]++;
                    if (d.get("finish_reason").asText().equals("length")) {
                        length[m]++;
                    }
                }
            }
            for (int t = 1; t >= 0; t--) {
                String label = kind[0] + (t == 1 ? ", twin a training prompt" : ", no twin among the prompts");
                double a = sums[t][0] / sums[t][1];
                double b = sums[t][2] / sums[t][3];
                o.putObject(label).put("samples", (int) sums[t][1]).put("sft", a).put(name, b);
                md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f |%n", label, (int) sums[t][1], a, b));
            }
            o.put(kind[0] + "_out_of_tokens_sft", length[0]).put(kind[0] + "_out_of_tokens_" + name, length[1]);
            md.append(String.format(Locale.ROOT, "| %s: replies that ran out of tokens (no end of turn) | | %d | %d |%n",
                    kind[0], length[0], length[1]));
        }
        return md.toString();
    }

    /** The mean reward per step of a GRPO run, its 5-step moving mean, and the means of the first and last thirds. */
    private static void rewardChart(Path metrics, Path png, ObjectNode result) throws Exception {
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            steps.add(JSON.readTree(line));
        }
        int n = steps.size();
        double[] r = steps.stream().mapToDouble(s -> s.get("reward_mean").asDouble()).toArray();
        List<LossPoint> raw = new ArrayList<>();
        List<LossPoint> moving = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            raw.add(new LossPoint(i + 1, r[i]));
            if (i >= 4) {
                moving.add(new LossPoint(i + 1, (r[i] + r[i - 1] + r[i - 2] + r[i - 3] + r[i - 4]) / 5));
            }
        }
        int third = Math.max(1, n / 3);
        double first = java.util.Arrays.stream(r, 0, third).average().orElse(Double.NaN);
        double last = java.util.Arrays.stream(r, n - third, n).average().orElse(Double.NaN);
        result.put("steps", n).put("reward_first_third", first).put("reward_last_third", last).put("third_steps", third);
        Map<String, List<LossPoint>> series = new LinkedHashMap<>();
        series.put("mean reward of the step", raw);
        series.put("5-step moving mean", moving);
        PointChart.render(series, png, ChartOptions.defaults().withSize(900, 520).withTitle(String.format(Locale.ROOT,
                "GRPO mean reward per step (first %d steps %.3f, last %d steps %.3f)", third, first, third, last)), "step",
                "mean reward");
    }

    /** The DPO run's per-step loss, reward accuracy and margin, and the chosen and rejected log-probs. */
    private static void dpoCharts(Path run, Path out, ObjectNode result) throws Exception {
        result.set("pairs", JSON.readTree(run.resolve("pairs_counts.json").toFile()));
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
        Files.writeString(out.resolve("dpo_compare.json"), result.toPrettyString() + "\n");
        System.out.println("wrote dpo_training.png, dpo_logps.png");
    }
}
