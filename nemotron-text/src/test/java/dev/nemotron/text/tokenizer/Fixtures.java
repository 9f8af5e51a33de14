package dev.nemotron.text.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/** The shared fixtures (dev.nemotron.testing.Fixtures, see NOTICE.md there), with tokenizers loaded once. */
final class Fixtures {
    private static final ConcurrentHashMap<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    static Path dir(String name) {
        Path p = dev.nemotron.testing.Fixtures.root().resolve(name).toAbsolutePath();
        if (!Files.exists(p)) {
            throw new IllegalStateException("fixture not found: " + p);
        }
        return p;
    }

    /** The tokenizer of fixture {@code name} ({@code tokenizer-bpe}, {@code qwen3-tokenizer}). */
    static Tokenizer tokenizer(String name) {
        return TOKENIZERS.computeIfAbsent(name, n -> Tokenizer.load(dir(n)));
    }

    static String mobyDick() {
        try {
            return Files.readString(dir("moby-dick-200k.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
