package dev.nemotron.api.layer;

import java.util.Optional;

/**
 * Read access to a model's HF {@code config.json}, for layer factories. Getters of required
 * fields throw a {@link dev.nemotron.api.NemotronException} naming the missing or mistyped field.
 */
public interface ModelConfigView {
    /** {@code hidden_size}. */
    int hiddenSize();

    /** {@code layer_norm_epsilon} (also read as {@code rms_norm_eps}). */
    double normEpsilon();

    boolean has(String field);

    int getInt(String field);

    double getDouble(String field);

    boolean getBoolean(String field, boolean defaultValue);

    /** A string field, if present. */
    Optional<String> getString(String field);

    /** Numbers of an array field such as {@code time_step_limit}; {@code Infinity} allowed. */
    Optional<double[]> getDoubles(String field);

    /** Where the config came from, for error messages (a path, or {@code "<memory>"}). */
    String source();
}
