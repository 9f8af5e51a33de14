package dev.nemotron.api.pipeline;

import dev.nemotron.api.options.JsonValues;
import dev.nemotron.api.options.Options;
import java.util.Map;
import java.util.Objects;

/**
 * The parameters of one stage: the fields of its spec entry other than {@code name} and
 * {@code type}, read with the typed getters of {@link Options}, whose errors name the stage and
 * the field:
 *
 * <pre>stage 'pretrain': field 'steps' must be an integer, got "abc"</pre>
 *
 * <p>A field set to {@code null} counts as absent. Numbers may also be written as strings that
 * parse as numbers ({@code "3e-4"}: YAML reads an exponent without a decimal point as a string).
 * Paths are plain strings; resolve them with {@link StageContext#resolve(String)}.
 */
public final class StageParams extends Options {
    private final String stage;

    private StageParams(String stage, Map<String, Object> values) {
        super("stage '" + stage + "'", values);
        this.stage = stage;
    }

    /**
     * The parameters {@code values} of the stage named {@code stage} (copied; insertion order
     * kept).
     *
     * @throws IllegalArgumentException when a value is not a JSON value
     */
    public static StageParams of(String stage, Map<String, ?> values) {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(values, "values");
        return new StageParams(stage, JsonValues.copyMap(values, "stage '" + stage + "': field"));
    }

    /** The name of the stage these parameters belong to. */
    public String stage() {
        return stage;
    }
}
