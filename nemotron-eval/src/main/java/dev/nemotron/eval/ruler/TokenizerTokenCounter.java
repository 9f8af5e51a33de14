package dev.nemotron.eval.ruler;

import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link TokenCounter} over a Hugging Face tokenizer: {@code tokenizer.encode(text).length},
 * without the post-processor (no BOS/EOS), as the text is one part of a prompt.
 */
public final class TokenizerTokenCounter implements TokenCounter {
    private final Tokenizer tokenizer;

    public TokenizerTokenCounter(Tokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /**
     * Reads a {@code tokenizer.json} or the one inside a model directory.
     *
     * @throws dev.nemotron.text.tokenizer.TokenizerException when it cannot be read
     */
    public static TokenizerTokenCounter load(Path tokenizerJsonOrModelDir) {
        return new TokenizerTokenCounter(Tokenizer.load(tokenizerJsonOrModelDir));
    }

    /** The tokenizer counted with. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int count(String text) {
        return tokenizer.encode(text).length;
    }

    @Override
    public String toString() {
        return "TokenizerTokenCounter[" + tokenizer.source() + "]";
    }
}
