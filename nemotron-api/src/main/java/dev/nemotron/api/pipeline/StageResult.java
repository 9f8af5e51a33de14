package dev.nemotron.api.pipeline;

import dev.nemotron.api.options.JsonValues;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Stage} produced: a model directory for the next stage, or none, and a summary.
 *
 * <p>The summary holds JSON values (strings, numbers, booleans, lists, maps, null; a
 * {@link Path} is stored as its string) under names of letters, digits, {@code _} and {@code -}.
 * The runner records it in the stage's {@code stage.json}, prints it, and lets later stages refer
 * to a value as {@code ${stage.key}} in their parameters, e.g. the {@code dataset} directory of a
 * tokenize stage. Give paths absolute so that they can be used from anywhere. The key
 * {@code model} is reserved: {@code ${stage.model}} is the stage's output model.
 */
public final class StageResult {
    /** The reserved summary key under which references find a stage's output model. */
    public static final String MODEL_KEY = "model";

    private final Path outputModel;
    private final Map<String, Object> summary;

    private StageResult(Path outputModel, Map<?, ?> summary) {
        Objects.requireNonNull(summary, "summary");
        Map<String, Object> copy = JsonValues.copyMap(summary, "summary value");
        for (String key : copy.keySet()) {
            if (!key.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("summary key '" + key + "' must consist of letters, digits, '_' and '-'");
            }
        }
        if (copy.containsKey(MODEL_KEY)) {
            throw new IllegalArgumentException("summary key 'model' is reserved for the output model");
        }
        this.outputModel = outputModel;
        this.summary = copy;
    }

    /** A result with no new model (the next stage gets this stage's input model). */
    public static StageResult of(Map<String, ?> summary) {
        return new StageResult(null, summary);
    }

    /**
     * A result with a new model directory for the next stage (HF layout), usually under the
     * stage's work directory; a relative path is taken relative to the work directory.
     */
    public static StageResult withModel(Path outputModel, Map<String, ?> summary) {
        return new StageResult(Objects.requireNonNull(outputModel, "outputModel"), summary);
    }

    /** The model directory this stage produced, if any. */
    public Optional<Path> outputModel() {
        return Optional.ofNullable(outputModel);
    }

    /** The summary values, in insertion order (immutable). */
    public Map<String, Object> summary() {
        return summary;
    }

    @Override
    public String toString() {
        return "StageResult[model=" + outputModel + ", summary=" + JsonValues.describe(summary) + "]";
    }
}
