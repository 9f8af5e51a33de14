package dev.nemotron.api.layer.train;

import dev.nemotron.api.NemotronException;

/**
 * The trainable form of one layer's mixer: a float64 forward pass that keeps what its backward
 * pass needs, and that backward pass.
 *
 * <pre>
 * forward:  x [L, d] -> out [L, d]; with a non-null {@code saved}, keeps what backward needs
 * backward: dOut [L, d] -> dx [L, d]; adds the parameter gradients into {@code grads}
 * </pre>
 *
 * The block around it (RMSNorm before, residual after) belongs to the model. The mixer reads its
 * parameters live from the {@link ParameterStore} it was built on; concurrent passes, each with its
 * own {@code saved}, must be safe while nobody changes the parameters.
 *
 * <p>Packed rows: {@link #forward(double[], Segments, Object)} receives the row's sample
 * boundaries; no information may cross one, forward or backward (the backward pass reads them
 * from {@code saved}). A per-token layer overrides it to call {@link #forward(double[], int, Object)};
 * a layer that mixes positions restricts its mixing to each segment. The default refuses a row of
 * more than one segment, so a layer that has not said how it treats boundaries cannot leak
 * across them (docs/training.md, "Packed sequences").
 *
 * @param <S> what one forward pass keeps for its backward pass
 */
public interface TrainableMixer<S> {
    /** A fresh, empty holder for one forward pass's activations. */
    S newSaved();

    /** {@code saved} may be null: forward only, nothing kept. {@code x} must not be modified. */
    double[] forward(double[] x, int seqLen, S saved);

    /**
     * Forward over a packed row of {@link Segments#length()} positions whose segments must not see
     * each other. With one segment it must equal {@link #forward(double[], int, Object)}.
     *
     * @throws NemotronException by default, for more than one segment (this layer does not say it
     *     keeps samples apart)
     */
    default double[] forward(double[] x, Segments segments, S saved) {
        if (!segments.isSingle()) {
            throw new NemotronException("layer " + getClass().getSimpleName() + " cannot train on packed rows ("
                    + segments.count() + " samples in one row): it does not implement TrainableMixer.forward(x, "
                    + "segments, saved); train with one sample per row, or add that method to the layer");
        }
        return forward(x, segments.length(), saved);
    }

    /** The input gradient; adds the gradients of the mixer's parameters into {@code grads}. */
    double[] backward(double[] dOut, S saved, ParameterGradients grads);
}
