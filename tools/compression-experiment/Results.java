// The numbers and charts of docs/compression-experiment.md from the runs of run.sh:
//   java --module-path LIB --add-modules dev.nemotron.train,org.jfree.jfreechart,java.desktop \
//        tools/compression-experiment/Results.java RUN_DIR IMG_DIR
// Held-out loss of every model on the teacher's 8 held-out sequences of 256 tokens: the pruned
// models before any training (computed here), and every run's held-out curve (its metrics.jsonl).
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.data.TokenDataset;
import dev.nemotron.train.report.ChartOptions;
import dev.nemotron.train.report.LossPoint;
import dev.nemotron.train.report.PointChart;
import dev.nemotron.train.report.ReferenceLine;
import dev.nemotron.train.report.RunMetrics;
import dev.nemotron.train.trainer.HeldOutLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Results {
    public static void main(String[] args) throws Exception {
        Path r = Path.of(args[0]);
        Path img = Path.of(args[1]);
        Files.createDirectories(img);
        TokenDataset held = TokenDataset.open(r.resolve("teacher/data/moby-dick-heldout"));
        Integer eos = held.manifest().eosId();
        HeldOutLoss heldOut = HeldOutLoss.of(held, 256, 8, eos == null ? -1 : eos);
        TrainableModel teacher = TrainableModel.load(r.resolve("teacher/model"));
        long teacherParams = teacher.parameters().count();
        double teacherLoss = heldOut.evaluate(teacher);
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        out.putObject("teacher").put("parameters", teacherParams).put("held_out_loss", teacherLoss)
                .put("pattern", teacher.graph().config().pattern());
        System.out.printf("teacher: %,d parameters, held-out %.4f%n", teacherParams, teacherLoss);
        ArrayNode rows = out.putArray("students");
        Map<String, Double> pruned = new LinkedHashMap<>();
        for (String shape : List.of("depth-2", "depth-4", "depth-6", "width")) {
            TrainableModel m = TrainableModel.load(r.resolve(shape));
            double loss = heldOut.evaluate(m);
            pruned.put(shape, loss);
            for (String kind : List.of("kd", "scratch")) {
                Path run = r.resolve(kind + "-" + shape);
                if (!Files.isRegularFile(run.resolve("metrics.jsonl"))) {
                    continue;
                }
                RunMetrics metrics = RunMetrics.read(run.resolve("metrics.jsonl"));
                double last = metrics.eval().getLast().loss();
                long tokens = 0;
                for (LossPoint p : metrics.train()) {
                    tokens += 8 * 256;
                }
                ObjectNode row = rows.addObject();
                row.put("student", shape).put("init", kind.equals("kd") ? "pruned + distilled" : "random, cross-entropy")
                        .put("parameters", m.parameters().count())
                        .put("fraction_of_teacher", (double) m.parameters().count() / teacherParams)
                        .put("pattern", m.graph().config().pattern())
                        .put("hidden_size", m.graph().config().hiddenSize())
                        .put("held_out_after_pruning", kind.equals("kd") ? loss : Double.NaN)
                        .put("held_out_final", last).put("steps", metrics.lastStep()).put("tokens", tokens);
                System.out.printf("%-8s %-8s %,9d params (%.1f%%) %-16s pruned %.4f -> final %.4f after %d steps%n", shape,
                        kind, m.parameters().count(), 100.0 * m.parameters().count() / teacherParams,
                        m.graph().config().pattern(), loss, last, metrics.lastStep());
            }
        }
        Files.writeString(r.resolve("results.json"), out.toPrettyString() + "\n");
        // chart 1: held-out loss over the student steps, distilled against from scratch, same shapes and tokens
        Map<String, List<LossPoint>> curves = new LinkedHashMap<>();
        for (String name : List.of("kd-depth-6", "kd-width", "scratch-depth-6", "scratch-width")) {
            Path m = r.resolve(name).resolve("metrics.jsonl");
            if (Files.isRegularFile(m)) {
                curves.put(name, RunMetrics.read(m).eval());
            }
        }
        PointChart.render(curves, img.resolve("compression-heldout.png"), ChartOptions.defaults().withSize(900, 520)
                .withTitle("Held-out loss: pruned + distilled vs. trained from scratch (same shape, same tokens)")
                .withReference(new ReferenceLine(teacherLoss, String.format("teacher %.3f", teacherLoss))),
                "student step (8 x 256 tokens each)", "held-out loss (nats/token)");
        // chart 2: the depth ladder
        Map<String, List<LossPoint>> ladder = new LinkedHashMap<>();
        List<LossPoint> before = new java.util.ArrayList<>(List.of(new LossPoint(0, teacherLoss)));
        List<LossPoint> after = new java.util.ArrayList<>(List.of(new LossPoint(0, teacherLoss)));
        for (int k : new int[] {2, 4, 6}) {
            before.add(new LossPoint(k, pruned.get("depth-" + k)));
            Path m = r.resolve("kd-depth-" + k).resolve("metrics.jsonl");
            if (Files.isRegularFile(m)) {
                after.add(new LossPoint(k, RunMetrics.read(m).eval().getLast().loss()));
            }
        }
        ladder.put("pruned, before training", before);
        ladder.put("pruned + distilled", after);
        PointChart.render(ladder, img.resolve("compression-depth-ladder.png"), ChartOptions.defaults().withSize(900, 520)
                .withTitle("Depth ladder: layers removed from the 14-layer teacher"), "layers removed",
                "held-out loss (nats/token)");
        System.out.println("wrote " + r.resolve("results.json") + ", " + img.resolve("compression-heldout.png") + ", "
                + img.resolve("compression-depth-ladder.png"));
    }
}
