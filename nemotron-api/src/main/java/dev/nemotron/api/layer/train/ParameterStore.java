package dev.nemotron.api.layer.train;

/**
 * The float64 parameters of a model being trained, by full checkpoint name (e.g.
 * {@code backbone.layers.0.mixer.in_proj.weight}; a layer's prefix is
 * {@link dev.nemotron.api.layer.LayerContext#weightPrefix()}). The arrays are live: the optimizer
 * updates them in place, and a trainable mixer reads them on every pass.
 */
public interface ParameterStore {
    /**
     * The values of {@code name}, row-major.
     *
     * @throws dev.nemotron.api.NemotronException when there is no such parameter
     */
    double[] get(String name);

    /** The values of {@code name}, or null when absent (optional parameters such as biases). */
    double[] getOrNull(String name);

    /** The shape of {@code name}. */
    long[] shape(String name);
}
