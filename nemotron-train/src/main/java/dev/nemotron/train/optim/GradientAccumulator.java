package dev.nemotron.train.optim;

import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gradient accumulation over {@code k} micro-batches: the gradients of each micro-batch are
 * summed into buffers kept here, and {@link #writeMean(ParameterGroup)} writes the sum times
 * {@code 1/k} into the group's gradients, ready for clipping and the optimizer step. With each
 * micro-batch's loss a mean over its tokens, this is the gradient of the mean loss of the
 * {@code k} micro-batches of equal size.
 *
 * <pre>
 *   for (int i = 0; i < k; i++) { backward(micro[i]); acc.add(group); }
 *   acc.writeMean(group);  // then clip, then optimizer.step(...)
 * </pre>
 */
public final class GradientAccumulator {
    private final int microBatches;
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private int count;

    /** An accumulator over {@code microBatches} micro-batches (1: no accumulation). */
    public GradientAccumulator(int microBatches) {
        if (microBatches < 1) {
            throw new IllegalArgumentException("micro-batches must be >= 1: " + microBatches);
        }
        this.microBatches = microBatches;
    }

    /** The {@code k} given at construction. */
    public int microBatches() {
        return microBatches;
    }

    /** Micro-batches added since the last {@link #writeMean}. */
    public int count() {
        return count;
    }

    /** Whether all {@code k} micro-batches have been added. */
    public boolean ready() {
        return count == microBatches;
    }

    /**
     * Adds the current gradients of {@code group} (one micro-batch) to the sums.
     *
     * @throws IllegalStateException if {@code k} micro-batches were already added
     */
    public void add(ParameterGroup group) {
        if (count == microBatches) {
            throw new IllegalStateException("already holds " + microBatches + " micro-batches; call writeMean first");
        }
        for (Parameter p : group.parameters()) {
            double[] s = OptimStates.slot(sums, p, "grad_sum");
            double[] g = p.grads();
            for (int i = 0; i < g.length; i++) {
                s[i] += g[i];
            }
        }
        count++;
    }

    /**
     * Writes (sum of the {@code k} micro-batch gradients) / {@code k} into the gradients of
     * {@code group} and starts over.
     *
     * @throws IllegalStateException unless exactly {@code k} micro-batches were added
     */
    public void writeMean(ParameterGroup group) {
        if (count != microBatches) {
            throw new IllegalStateException("holds " + count + " of " + microBatches + " micro-batches");
        }
        double inv = 1.0 / microBatches;
        for (Parameter p : group.parameters()) {
            double[] s = sums.get(p.name());
            if (s == null || s.length != p.size()) {
                throw new IllegalArgumentException("no accumulated gradient for " + p.name());
            }
            double[] g = p.grads();
            for (int i = 0; i < g.length; i++) {
                g[i] = s[i] * inv;
                s[i] = 0;
            }
        }
        count = 0;
    }
}
