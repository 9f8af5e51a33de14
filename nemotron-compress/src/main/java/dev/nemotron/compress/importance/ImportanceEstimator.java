package dev.nemotron.compress.importance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.activation.ActivationSite.Kind;
import dev.nemotron.train.autodiff.activation.ActivationStatistics;
import dev.nemotron.train.autodiff.activation.ActivationStatistics.Aggregation;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Minitron's forward-only importance estimation (arXiv 2407.14679 §2.2, as used for Nemotron Nano 2):
 *
 * <pre>
 * 1. calibration: N sequences of L tokens ({@link CalibrationSet})
 * 2. width: one forward pass per sequence with an activation observer ({@link ActivationStatistics}):
 *    hidden channel c   sum over every block's RMSNorm output and norm_f of agg_batch(mean_seq |a[:, c]|)
 *    MLP neuron j       agg_batch(mean_seq |relu(up_proj x)²[:, j]|)
 *    Mamba-2 head h     agg_batch(mean_seq || y[:, head h] ||_2), y the gated norm output entering out_proj
 *                       (pruning keeps the best heads of each group: the same count per group)
 *    attention head h   agg_batch(mean_seq || o[:, head h] ||_2), o the per-head outputs entering o_proj
 *    agg_batch: L2 (Minitron's best) or MEAN; both are reported
 * 3. depth: {@link LayerImportance} (logit MSE of the model without a layer, removed iteratively)
 * </pre>
 */
public final class ImportanceEstimator {
    /**
     * @param layers      whether to estimate depth (layer removal; the costly part: about L²/2 passes over the data)
     * @param layerRounds removal rounds at most (all: {@code Integer.MAX_VALUE})
     * @param rankedBy    the aggregation the rankings use
     */
    public record Options(boolean layers, int layerRounds, Aggregation rankedBy) {
        public static Options defaults() {
            return new Options(true, Integer.MAX_VALUE, Aggregation.L2);
        }
    }

    private ImportanceEstimator() {
    }

    /** Loads the model of {@code modelDir} and the calibration data, and estimates. */
    public static ImportanceReport estimate(Path modelDir, CalibrationSet.Spec spec, Options options, Consumer<String> progress) {
        TrainableModel model = TrainableModel.load(modelDir);
        List<int[]> calibration = CalibrationSet.load(spec, modelDir, model.graph().config().vocabSize());
        progress.accept("calibration: " + spec.describe());
        return estimate(model, ModelFiles.readConfig(modelDir), MixerRegistry.discover(), calibration, spec, modelDir.toString(),
                options, progress);
    }

    /** Estimates the importance of {@code model}'s units on {@code calibration}. */
    public static ImportanceReport estimate(TrainableModel model, ObjectNode rawConfig, MixerRegistry registry, List<int[]> calibration,
            CalibrationSet.Spec spec, String modelName, Options options, Consumer<String> progress) {
        progress.accept("activations: " + calibration.size() + " forward passes");
        ActivationStatistics stats = model.activationStatistics(calibration);
        Map<Aggregation, double[]> hidden = new EnumMap<>(Aggregation.class);
        Map<Integer, Map<Aggregation, double[]>> mlp = new LinkedHashMap<>();
        Map<Integer, Map<Aggregation, double[]>> mamba = new LinkedHashMap<>();
        Map<Integer, Integer> groups = new LinkedHashMap<>();
        Map<Integer, Map<Aggregation, double[]>> attention = new LinkedHashMap<>();
        for (Aggregation a : Aggregation.values()) {
            hidden.put(a, stats.hiddenChannelScores(a));
        }
        for (LayerPlan layer : model.graph().layers()) {
            int i = layer.index();
            switch (layer.dims()) {
                case MlpDims m -> mlp.put(i, both(a -> stats.channelScores(i, Kind.MLP_HIDDEN, a)));
                case Mamba2Dims m -> {
                    mamba.put(i, both(a -> stats.headScores(i, Kind.MAMBA_OUT_PROJ_INPUT, a)));
                    groups.put(i, m.groups());
                }
                case AttentionDims d -> attention.put(i, both(a -> stats.headScores(i, Kind.ATTENTION_HEADS, a)));
                default -> {
                }
            }
        }
        LayerImportance.Result layers = null;
        if (options.layers() && model.graph().layers().size() > 1) {
            progress.accept("layers: iterative removal, up to " + Math.min(options.layerRounds(), model.graph().layers().size() - 1)
                    + " rounds");
            layers = LayerImportance.estimate(model, rawConfig, registry, calibration, options.layerRounds(), null);
        }
        return new ImportanceReport(modelName, spec, options.rankedBy(), layers, hidden, mlp, mamba, groups, attention);
    }

    private static Map<Aggregation, double[]> both(java.util.function.Function<Aggregation, double[]> f) {
        Map<Aggregation, double[]> m = new EnumMap<>(Aggregation.class);
        for (Aggregation a : Aggregation.values()) {
            m.put(a, f.apply(a));
        }
        return m;
    }
}
