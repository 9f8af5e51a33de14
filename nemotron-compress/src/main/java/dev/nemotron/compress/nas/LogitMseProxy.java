package dev.nemotron.compress.nas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.importance.CalibrationSet;
import dev.nemotron.compress.importance.ImportanceReport;
import dev.nemotron.compress.prune.MagnitudeRanking;
import dev.nemotron.train.autodiff.core.Parameters;
import java.nio.file.Path;
import dev.nemotron.compress.prune.ModelPruner;
import dev.nemotron.compress.prune.PlanBuilder;
import dev.nemotron.compress.prune.PrunePlan;
import dev.nemotron.compress.prune.PruneTargets;
import dev.nemotron.compress.prune.Rankings;
import dev.nemotron.train.autodiff.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The Minitron proxy: how far a candidate's logits move from the parent's right after pruning
 * (no retraining), over a calibration set.
 *
 * <pre>
 * once:           z_parent[s] = parent logits of calibration sequence s          [L, V]
 * per candidate:  plan = PlanBuilder(targets = its four dimensions, the rankings)
 *                 z[s] = (ModelPruner(parent, plan)) logits of s
 *                 mse = mean over s, positions, vocabulary of (z[s] - z_parent[s])²
 * </pre>
 * Lower is better. The pruning is the {@code compress prune} helper's own, in memory, so the
 * candidate scored is exactly the one {@code nemotron compress prune} would write.
 */
public final class LogitMseProxy implements CandidateProxy {
    private final TrainableModel parent;
    private final ObjectNode rawConfig;
    private final MixerRegistry registry;
    private final Rankings rankings;
    private final List<int[]> calibration;
    private final List<double[]> parentLogits;
    private final String calibrationNote;
    private final int top;

    /** @param top how many feasible candidates (the largest) to score */
    public LogitMseProxy(TrainableModel parent, ObjectNode rawConfig, MixerRegistry registry, Rankings rankings,
                         List<int[]> calibration, String calibrationNote, int top) {
        if (top < 1) {
            throw new NemotronException("--proxy-top must be at least 1, got " + top);
        }
        if (calibration.isEmpty()) {
            throw new NemotronException("the logit-MSE proxy needs at least one calibration sequence");
        }
        this.top = top;
        this.parent = parent;
        this.rawConfig = rawConfig;
        this.registry = registry;
        this.rankings = rankings;
        this.calibration = List.copyOf(calibration);
        this.calibrationNote = calibrationNote;
        this.parentLogits = logits(parent);
    }

    /** The rankings' layer removal order: the depth plan that matches what pruning drops. */
    public List<Integer> layerRemovalOrder() {
        List<Integer> out = new ArrayList<>();
        for (int i : rankings.layerRemovalOrder()) {
            out.add(i);
        }
        return out;
    }

    /**
     * The proxy for the model in {@code modelDir}: rankings from an importance report, or weight
     * magnitudes when {@code importance} is null; the MSE over the calibration sequences of {@code calibration}.
     */
    public static LogitMseProxy forModel(Path modelDir, Path importance, CalibrationSet.Spec calibration, int top) {
        ModelDirectory dir = ModelDirectory.open(modelDir);
        ModelGraph graph = ModelGraph.of(dir.config(), dir.registry());
        Rankings rankings;
        if (importance != null) {
            rankings = ImportanceReport.readRankings(importance);
        } else {
            try (Checkpoint ckpt = dir.openCheckpoint()) {
                rankings = MagnitudeRanking.of(graph, ckpt);
            }
        }
        TrainableModel model = new TrainableModel(graph, Parameters.load(graph, modelDir));
        List<int[]> seqs = CalibrationSet.load(calibration, modelDir, dir.config().vocabSize());
        return new LogitMseProxy(model, ModelFiles.readConfig(modelDir), dir.registry(), rankings, seqs,
                calibration.describe(), top);
    }

    @Override
    public int maxScored() {
        return top;
    }

    @Override
    public String name() {
        return "logit_mse";
    }

    @Override
    public String description() {
        return "logit MSE against the parent right after pruning (lower is better; " + rankings.source()
                + " ranking; " + calibrationNote + "), for the " + top + " largest feasible candidates; the rest by parameter count";
    }

    @Override
    public boolean lowerIsBetter() {
        return true;
    }

    @Override
    public double score(Candidate c) {
        PruneTargets targets = new PruneTargets(c.layers(), c.hidden(), c.ffn() > 0 ? c.ffn() : null,
                c.mambaHeads() > 0 ? c.mambaHeads() : null);
        PrunePlan plan = PlanBuilder.plan(parent.graph(), targets, rankings);
        TrainableModel pruned = ModelPruner.prune(parent, rawConfig, plan, registry);
        List<double[]> z = logits(pruned);
        double sum = 0;
        long n = 0;
        for (int s = 0; s < z.size(); s++) {
            double[] a = z.get(s);
            double[] b = parentLogits.get(s);
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - b[i];
                sum += d * d;
            }
            n += a.length;
        }
        return sum / n;
    }

    /** Logits of every calibration sequence, in parallel, kept in sequence order. */
    private List<double[]> logits(TrainableModel model) {
        double[][] out = new double[calibration.size()][];
        IntStream.range(0, out.length).parallel().forEach(s -> out[s] = model.logits(calibration.get(s)));
        return List.of(out);
    }
}
