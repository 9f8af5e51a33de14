package dev.nemotron.api.layer.train;

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
 * @param <S> what one forward pass keeps for its backward pass
 */
public interface TrainableMixer<S> {
    /** A fresh, empty holder for one forward pass's activations. */
    S newSaved();

    /** {@code saved} may be null: forward only, nothing kept. {@code x} must not be modified. */
    double[] forward(double[] x, int seqLen, S saved);

    /** The input gradient; adds the gradients of the mixer's parameters into {@code grads}. */
    double[] backward(double[] dOut, S saved, ParameterGradients grads);
}
