package dev.nemotron.api.layer.train;

/**
 * The gradients of a {@link ParameterStore}: same names, same shapes, float64. Backward passes
 * <em>add</em> into them.
 */
public interface ParameterGradients {
    /**
     * The gradient of {@code name} (live).
     *
     * @throws dev.nemotron.api.NemotronException when there is no such parameter
     */
    double[] get(String name);

    /** The gradient of {@code name}, or null when the parameter is absent (optional ones). */
    double[] getOrNull(String name);
}
