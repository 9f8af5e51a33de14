package dev.nemotron.compress.prune;

import dev.nemotron.api.NemotronException;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.nio.file.Path;

/**
 * {@code nemotron compress prune}: target shape → ranking → plan → pruned checkpoint. The ranking
 * is the given one (activation importance over calibration data) or, when none is given, the
 * weight magnitudes ({@link MagnitudeRanking}); the outcome says which.
 */
public final class Pruning {
    /**
     * @param ranking  {@code "importance"} or {@code "magnitude"}
     * @param plan     what was kept
     * @param result   what was written
     */
    public record Outcome(String ranking, PrunePlan plan, CheckpointPruner.Result result) {
    }

    private Pruning() {
    }

    /**
     * Prunes {@code modelDir} to {@code targets} into {@code out}.
     *
     * @param rankings the ranking to keep by, or null for weight magnitude
     */
    public static Outcome prune(Path modelDir, PruneTargets targets, Rankings rankings, Path out, long maxShardBytes) {
        if (targets.isEmpty()) {
            throw new NemotronException("nothing to prune: give --num-layers, --hidden-size, --intermediate-size "
                    + "and/or --mamba-num-heads");
        }
        ModelDirectory dir = ModelDirectory.open(modelDir);
        ModelGraph graph = ModelGraph.of(dir.config(), dir.registry());
        Rankings r = rankings;
        if (r == null) {
            try (Checkpoint ckpt = dir.openCheckpoint()) {
                r = MagnitudeRanking.of(graph, ckpt);
            }
        }
        PrunePlan plan = PlanBuilder.plan(graph, targets, r);
        return new Outcome(r.source(), plan, CheckpointPruner.prune(modelDir, plan, out, maxShardBytes));
    }
}
