package dev.nemotron.arch.config;

import java.nio.file.Path;

/**
 * A single-file model format that {@link ModelDirectory#open} accepts in place of a HF model
 * directory (e.g. GGUF), found with {@link java.util.ServiceLoader}. The format turns the file
 * into a HF model directory ({@code config.json}, safetensors, tokenizer files), so every loader
 * of a model keeps one path: {@code --model FILE.gguf} works wherever {@code --model DIR} does.
 */
public interface ModelFileFormat {
    /** Short, lower-case format name, e.g. {@code "gguf"}. */
    String name();

    /** Whether {@code file} is of this format (cheap: its name or first bytes). */
    boolean accepts(Path file);

    /**
     * A HF model directory holding the model of {@code file} (made once and reused while the file
     * is unchanged).
     *
     * @throws dev.nemotron.api.NemotronException when the file is not a valid model of this format, naming the problem
     */
    Path modelDirectory(Path file);
}
