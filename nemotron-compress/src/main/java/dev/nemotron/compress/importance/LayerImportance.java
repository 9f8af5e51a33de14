package dev.nemotron.compress.importance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.compress.prune.ModelPruner;
import dev.nemotron.compress.prune.PrunePlan;
import dev.nemotron.train.autodiff.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Depth importance (Minitron, iterative): drop, one at a time, the layer whose removal changes
 * the logits least.
 *
 * <pre>
 * z_s = logits of the full model on calibration sequence s                       [T, V]
 * MSE(R) = (1 / sum_s T_s V) sum_s || logits_{model without R}(s) - z_s ||²       (R: a set of layers)
 * R_0 = {};  round k: for every layer i not in R_k, MSE(R_k + {i});
 *            R_{k+1} = R_k + {argmin_i} (ties: the lower index)
 * </pre>
 *
 * The removal order is the argmins in round order; the layers left after the last round follow,
 * by their MSE in that round (ascending). A model without R is the depth-pruned model itself
 * ({@link ModelPruner}, sharing the weights), so what is scored is what pruning produces.
 */
public final class LayerImportance {
    /** The full model's logits are kept in memory up to this size, else recomputed per candidate. */
    static final long CACHE_BYTES = 256L << 20;

    /**
     * The result.
     *
     * @param removalOrder every layer, least important first
     * @param rounds       per round: the MSE of removing each candidate (NaN for layers already removed)
     * @param chosenMse    per round: the MSE of the chosen removal (of the model without the first k+1 layers of the order)
     */
    public record Result(int[] removalOrder, List<double[]> rounds, double[] chosenMse) {
    }

    private LayerImportance() {
    }

    /**
     * Runs {@code maxRounds} rounds (at most layers - 1) over {@code calibration}.
     *
     * @param fullLogits the full model's logits per sequence (cached by the caller), or null to compute them
     */
    public static Result estimate(TrainableModel model, ObjectNode rawConfig, MixerRegistry registry, List<int[]> calibration,
            int maxRounds, List<double[]> fullLogits) {
        int layers = model.graph().layers().size();
        int rounds = Math.min(maxRounds, layers - 1);
        long bytes = 8L * model.graph().config().vocabSize() * calibration.stream().mapToLong(t -> t.length).sum();
        List<double[]> cached = fullLogits != null ? fullLogits
                : bytes <= CACHE_BYTES ? calibration.stream().map(model::logits).toList() : null;
        IntFunction<double[]> reference = cached != null ? cached::get : s -> model.logits(calibration.get(s));
        boolean[] removed = new boolean[layers];
        List<Integer> order = new ArrayList<>();
        List<double[]> all = new ArrayList<>();
        double[] chosen = new double[rounds];
        double[] last = null;
        for (int r = 0; r < rounds; r++) {
            double[] mse = new double[layers];
            int best = -1;
            for (int i = 0; i < layers; i++) {
                if (removed[i]) {
                    mse[i] = Double.NaN;
                    continue;
                }
                int candidate = i;
                int[] kept = IntStream.range(0, layers).filter(l -> !removed[l] && l != candidate).toArray();
                TrainableModel without = ModelPruner.prune(model, rawConfig, PrunePlan.identity().withLayers(kept), registry);
                mse[i] = mse(without, calibration, reference);
                if (best < 0 || mse[i] < mse[best]) {
                    best = i;
                }
            }
            removed[best] = true;
            order.add(best);
            chosen[r] = mse[best];
            all.add(mse);
            last = mse;
        }
        double[] lastRound = last;
        IntStream.range(0, layers).filter(l -> !removed[l]).boxed()
                .sorted((a, b) -> lastRound == null ? Integer.compare(a, b)
                        : Double.compare(lastRound[a], lastRound[b]) != 0 ? Double.compare(lastRound[a], lastRound[b]) : Integer.compare(a, b))
                .forEach(order::add);
        return new Result(order.stream().mapToInt(Integer::intValue).toArray(), all, chosen);
    }

    /** Mean squared difference of {@code model}'s logits from {@code reference}, over every sequence, position and vocabulary entry. */
    static double mse(TrainableModel model, List<int[]> calibration, IntFunction<double[]> reference) {
        double sum = 0;
        long n = 0;
        for (int s = 0; s < calibration.size(); s++) {
            double[] z = model.logits(calibration.get(s));
            double[] ref = reference.apply(s);
            for (int j = 0; j < z.length; j++) {
                double d = z[j] - ref[j];
                sum += d * d;
            }
            n += z.length;
        }
        return sum / n;
    }
}
