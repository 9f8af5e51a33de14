package dev.nemotron.compress.prune;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.arch.model.ModelGraph;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Turns a target shape and {@link Rankings} into a {@link PrunePlan}: keep the most important
 * units, in their original order.
 *
 * <pre>
 * depth   N layers: drop the first L - N of the layer removal order
 * hidden  H: the H channels with the highest scores (ties: the lower index)
 * MLP     F: per MLP layer, its F highest-scoring neurons
 * Mamba   M heads, G groups: per layer and per group, its M / G highest-scoring heads (heads
 *         h of group g are g*H/G .. (g+1)*H/G - 1), so every group keeps the same number
 * </pre>
 */
public final class PlanBuilder {
    private PlanBuilder() {
    }

    /** The plan that prunes {@code graph} to {@code targets}, keeping what {@code rankings} scores highest. */
    public static PrunePlan plan(ModelGraph graph, PruneTargets targets, Rankings rankings) {
        int layers = graph.layers().size();
        int[] keptLayers = null;
        if (targets.numLayers() != null) {
            int n = targets.numLayers();
            if (n > layers) {
                throw new NemotronException("--num-layers " + n + " is more than the model's " + layers + " layers");
            }
            int[] order = rankings.layerRemovalOrder();
            if (order == null) {
                throw new NemotronException("--num-layers needs a layer ranking, and this " + rankings.source()
                        + " ranking has none (importance was estimated without layers)");
            }
            if (order.length != layers || Arrays.stream(order).distinct().count() != layers
                    || Arrays.stream(order).anyMatch(l -> l < 0 || l >= layers)) {
                throw new NemotronException("the layer removal order " + Arrays.toString(order) + " is not a permutation of the model's "
                        + layers + " layers");
            }
            keptLayers = Arrays.stream(order, layers - n, layers).sorted().toArray();
        }
        int[] hidden = null;
        if (targets.hiddenSize() != null) {
            int d = graph.config().hiddenSize();
            if (targets.hiddenSize() > d) {
                throw new NemotronException("--hidden-size " + targets.hiddenSize() + " is more than the model's hidden_size " + d);
            }
            hidden = top(rankings.hiddenChannels(), 0, d, targets.hiddenSize(), "hidden channel");
        }
        Map<Integer, int[]> units = new LinkedHashMap<>();
        for (LayerPlan layer : graph.layers()) {
            if (layer.dims() instanceof MlpDims m && targets.intermediateSize() != null) {
                int f = targets.intermediateSize();
                if (f > m.intermediate()) {
                    throw new NemotronException("--intermediate-size " + f + " is more than layer " + layer.index()
                            + "'s intermediate_size " + m.intermediate());
                }
                units.put(layer.index(), top(scores(rankings.mlpNeurons(), layer, m.intermediate()), 0, m.intermediate(), f,
                        "MLP neuron"));
            } else if (layer.dims() instanceof Mamba2Dims m && targets.mambaNumHeads() != null) {
                units.put(layer.index(), mambaHeads(layer, m, targets.mambaNumHeads(), scores(rankings.mambaHeads(), layer, m.heads())));
            }
        }
        return new PrunePlan(keptLayers, hidden, units);
    }

    private static int[] mambaHeads(LayerPlan layer, Mamba2Dims m, int target, double[] scores) {
        if (target > m.heads()) {
            throw new NemotronException("--mamba-num-heads " + target + " is more than layer " + layer.index() + "'s "
                    + m.heads() + " heads");
        }
        if (target % m.groups() != 0) {
            throw new NemotronException("--mamba-num-heads " + target + " must be a multiple of n_groups = " + m.groups()
                    + " (every group keeps the same number of heads)");
        }
        int per = m.headsPerGroup();
        int keep = target / m.groups();
        return IntStream.range(0, m.groups())
                .flatMap(g -> Arrays.stream(top(scores, g * per, per, keep, "Mamba-2 head")))
                .sorted().toArray();
    }

    private static double[] scores(Map<Integer, double[]> byLayer, LayerPlan layer, int size) {
        double[] s = byLayer.get(layer.index());
        if (s == null || s.length != size) {
            throw new NemotronException("the ranking has " + (s == null ? "no" : s.length) + " scores for layer "
                    + layer.index() + ", which has " + size);
        }
        return s;
    }

    /**
     * The {@code keep} highest-scoring indices of {@code scores[from .. from+count)}, ascending
     * (ties: the lower index wins; NaN scores rank lowest).
     */
    static int[] top(double[] scores, int from, int count, int keep, String what) {
        if (scores.length < from + count) {
            throw new NemotronException("the ranking has " + scores.length + " " + what + " scores, need " + (from + count));
        }
        Comparator<Integer> byScore = Comparator.comparingDouble((Integer i) -> Double.isNaN(scores[i])
                ? Double.NEGATIVE_INFINITY : scores[i]).reversed().thenComparingInt(i -> i);
        return IntStream.range(from, from + count).boxed().sorted(byScore).limit(keep)
                .mapToInt(Integer::intValue).sorted().toArray();
    }
}
