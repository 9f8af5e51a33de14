package dev.nemotron.api.pipeline;

import java.util.Objects;

/**
 * One entry of a pipeline spec, as a {@link StageProvider} sees it.
 *
 * @param name   the stage's name in this pipeline, unique within it (e.g. {@code "long-context"});
 *               it names the stage's work directory and appears in every error message
 * @param type   the stage type, the {@link StageProvider#type()} that was selected
 * @param params every other field of the entry
 */
public record StageSpec(String name, String type, StageParams params) {
    public StageSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(params, "params");
    }
}
