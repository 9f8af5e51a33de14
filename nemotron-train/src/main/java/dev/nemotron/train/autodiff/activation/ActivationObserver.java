package dev.nemotron.train.autodiff.activation;

/**
 * Sees named activations of a forward pass as {@link dev.nemotron.train.autodiff.TrainableModel}
 * computes them (pass it with {@code ForwardOptions.withObserver}). Forward only: it reads, never
 * changes, the values; they are the pass's own arrays and must not be kept or modified.
 *
 * <p>Called on the thread running the pass, layer by layer; an observer shared by concurrent
 * passes must be thread-safe ({@link ActivationStatistics} is).
 */
@FunctionalInterface
public interface ActivationObserver {
    /**
     * @param site   which activation: layer, kind, channels and head size
     * @param values [rows, site.channels()] row-major
     * @param rows   the positions of the sequence
     */
    void observe(ActivationSite site, double[] values, int rows);
}
