package dev.nemotron.align.grpo;

import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.ForwardPass;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.autodiff.core.Gradients;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A rollout as training sequences, and the GRPO loss over it.
 *
 * <pre>
 * N samples, sample i: prompt p_i (P_i tokens) + completion c_i (C_i >= 1 tokens)
 * 1. input_i = (p_i ++ c_i)[0 .. P_i + C_i - 1),  target_i[t] = (p_i ++ c_i)[t + 1] for t >= P_i - 1, else -100
 * 2. ref_i = log pi_ref(target_i) (once per rollout; none when beta = 0)
 * 3. update u: loss = (1 / sum_i C_i) sum_i sum_t loss_{i,t} (GrpoLoss with scale N / sum_i C_i, since
 *    BatchGradients averages over the N sequences); old_i = this rollout's log-probs from update 1 on
 * </pre>
 */
public final class GrpoBatch {
    private final int[][] inputs;
    private final int[][] targets;
    private final double[] advantages;
    private final long completionTokens;
    private double[][] ref;
    private double[][] old;

    /**
     * What computes the mean over the sequences of their losses' values and accumulates the mean
     * gradients: the host's {@link BatchGradients} or a device ({@code DeviceSteps}).
     */
    @FunctionalInterface
    public interface LossEngine {
        double compute(int[][] inputs, List<? extends Loss> losses);
    }

    /** One update's result: mean loss (= the token-level GRPO loss) and its statistics. */
    public record Update(double loss, double kl, long clipped, long counted) {
    }

    /**
     * @param promptIds     per sample its prompt
     * @param completionIds per sample its completion (at least one token)
     * @param advantages    per sample its advantage
     */
    public GrpoBatch(List<int[]> promptIds, List<int[]> completionIds, double[] advantages) {
        int n = promptIds.size();
        if (completionIds.size() != n || advantages.length != n || n == 0) {
            throw new IllegalArgumentException(n + " prompts, " + completionIds.size() + " completions, " + advantages.length
                    + " advantages");
        }
        inputs = new int[n][];
        targets = new int[n][];
        long c = 0;
        for (int i = 0; i < n; i++) {
            int[] p = promptIds.get(i);
            int[] comp = completionIds.get(i);
            if (comp.length == 0) {
                throw new IllegalArgumentException("sample " + i + " has an empty completion");
            }
            int len = p.length + comp.length - 1;
            inputs[i] = new int[len];
            targets[i] = new int[len];
            for (int t = 0; t < len; t++) {
                inputs[i][t] = t < p.length ? p[t] : comp[t - p.length];
                int next = t + 1;
                targets[i][t] = next < p.length ? CrossEntropy.IGNORE_INDEX : comp[next - p.length];
            }
            c += comp.length;
        }
        this.advantages = advantages.clone();
        this.completionTokens = c;
    }

    public int size() {
        return inputs.length;
    }

    /** Completion tokens of the batch (the loss's denominator). */
    public long completionTokens() {
        return completionTokens;
    }

    /** Positions forwarded per update (prompts and completions). */
    public long positions() {
        long n = 0;
        for (int[] in : inputs) {
            n += in.length;
        }
        return n;
    }

    /** 2. The reference model's log-probs of the completions (float64 forward passes, {@code threads} at a time). */
    public void referenceLogProbs(TrainableModel reference, int threads) {
        double[][] r = new double[inputs.length][];
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, threads))) {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < inputs.length; i++) {
                int k = i;
                fs.add(pool.submit(() -> {
                    ForwardPass pass = reference.forward(inputs[k], ForwardOptions.inference());
                    r[k] = TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), targets[k]).values();
                }));
            }
            for (var f : fs) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        }
        ref = r;
    }

    /**
     * 3. The gradients of the GRPO loss into {@code grads} (overwritten). The first call takes the
     * weights as the rollout policy's (ratio 1) and keeps their log-probs for the later calls.
     */
    public Update gradients(BatchGradients engine, Gradients grads, double epsilon, double beta) {
        return gradients((in, losses) -> engine.compute(in, losses, grads), epsilon, beta);
    }

    /** {@link #gradients(BatchGradients, Gradients, double, double)} with any {@link LossEngine}. */
    public Update gradients(LossEngine engine, double epsilon, double beta) {
        double scale = inputs.length / (double) completionTokens;
        List<GrpoLoss> losses = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            losses.add(new GrpoLoss(targets[i], advantages[i], old == null ? null : old[i], ref == null ? null : ref[i],
                    epsilon, beta, scale));
        }
        double loss = engine.compute(inputs, losses);
        if (old == null) {
            old = IntStream.range(0, losses.size()).mapToObj(i -> losses.get(i).logProbs()).toArray(double[][]::new);
        }
        double kl = 0;
        long clipped = 0;
        long counted = 0;
        for (GrpoLoss l : losses) {
            kl += l.klSum();
            clipped += l.clippedTokens();
            counted += l.countedTokens();
        }
        return new Update(loss, kl / completionTokens, clipped, counted);
    }
}
