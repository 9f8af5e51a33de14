package dev.nemotron.api.optim;

import java.util.Objects;

/**
 * One trainable parameter as an optimizer sees it: its name, its values and its gradient, and
 * whether it gets weight decay.
 *
 * <p>Values and gradients are float64 {@code double[]} arrays, because the training engine
 * computes in float64. They are <em>views</em>, not copies: the optimizer updates
 * {@code values} in place and never writes {@code grads}. A tensor of any shape is passed
 * flattened (row-major); the optimizers here work element-wise and do not need the shape.
 *
 * @param name        the checkpoint name, e.g. {@code "backbone.layers.0.mixer.in_proj.weight"};
 *                    optimizer state is keyed by it
 * @param values      the parameter, updated in place
 * @param grads       its gradient, same length
 * @param weightDecay whether decoupled weight decay applies (the trainer decides by name: norms,
 *                    biases and the Mamba-2 {@code A_log}, {@code D}, {@code dt_bias} usually get none)
 */
public record Parameter(String name, double[] values, double[] grads, boolean weightDecay) {
    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(grads, "grads");
        if (values.length != grads.length) {
            throw new IllegalArgumentException("parameter " + name + ": " + values.length
                    + " values but " + grads.length + " gradients");
        }
    }

    /** Number of elements. */
    public int size() {
        return values.length;
    }

    /** Identity semantics: two parameters are equal when they are the same views. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Parameter p && p.name.equals(name) && p.values == values && p.grads == grads
                && p.weightDecay == weightDecay;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, System.identityHashCode(values), System.identityHashCode(grads), weightDecay);
    }

    @Override
    public String toString() {
        return "Parameter[" + name + ", " + values.length + " elements" + (weightDecay ? ", decay" : ", no decay") + "]";
    }
}
