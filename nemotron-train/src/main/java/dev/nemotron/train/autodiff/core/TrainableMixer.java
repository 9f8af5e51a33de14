package dev.nemotron.train.autodiff.core;

import java.util.List;

/**
 * A mixer with a hand-written backward pass, in float64.
 *
 * <pre>
 * forward:  x [L, d] -> out [L, d]; with a non-null {@code saved}, keeps what backward needs
 * backward: dOut [L, d] -> dx [L, d]; accumulates the parameter gradients into {@code grads}
 * </pre>
 *
 * @param <S> what one forward pass keeps for its backward pass
 */
public interface TrainableMixer<S> {
    /** A fresh, empty holder for one forward pass's activations. */
    S newSaved();

    /** {@code saved} may be null: forward only, nothing kept. */
    double[] forward(double[] x, int seqLen, S saved);

    double[] backward(double[] dOut, S saved, Gradients grads);

    /** The mixer's linear layers (whose GEMMs a precision policy may quantise), in checkpoint order. */
    default List<LinearLayer> linearLayers() {
        return List.of();
    }
}
