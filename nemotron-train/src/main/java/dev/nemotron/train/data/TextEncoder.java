package dev.nemotron.train.data;

/**
 * Turns text into token ids. The training module does not depend on the tokenizer module; the
 * caller supplies the encoder (the CLI passes {@code dev.nemotron.text.tokenizer.Tokenizer::encode}).
 */
@FunctionalInterface
public interface TextEncoder {
    /** The token ids of {@code text}, without special tokens unless the encoder adds them itself. */
    int[] encode(String text);
}
