package dev.nemotron.compress.checkpoint;

import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;

/**
 * Canonical tensor names ({@code backbone.}, as {@link ModelGraph#parameters()} spells them) and
 * the names a checkpoint stores: HF writes the backbone as {@code backbone.} or {@code model.}.
 * What is written keeps the source's spelling.
 */
public final class StoredNames {
    private static final String MODEL = "model.";

    private final boolean modelPrefix;

    private StoredNames(boolean modelPrefix) {
        this.modelPrefix = modelPrefix;
    }

    /** The spelling {@code ckpt} uses (its embeddings' name decides). */
    public static StoredNames of(Checkpoint ckpt) {
        return new StoredNames(!ckpt.contains(ModelGraph.BACKBONE + "embeddings.weight")
                && ckpt.contains(MODEL + "embeddings.weight"));
    }

    /** The stored name of canonical {@code name}. */
    public String stored(String name) {
        return modelPrefix && name.startsWith(ModelGraph.BACKBONE) ? MODEL + name.substring(ModelGraph.BACKBONE.length()) : name;
    }
}
