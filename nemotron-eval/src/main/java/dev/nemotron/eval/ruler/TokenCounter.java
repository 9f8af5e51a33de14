package dev.nemotron.eval.ruler;

/**
 * Counts the tokens of a text in some model's tokenizer: the measure RULER lengths are given in.
 *
 * <p>Implementations must be thread-safe ({@link RulerSuite} generates samples in parallel) and
 * deterministic. {@link TokenizerTokenCounter} counts with a Hugging Face {@code tokenizer.json};
 * a test or a caller with another tokenizer can pass a lambda.
 */
@FunctionalInterface
public interface TokenCounter {
    /** The number of tokens {@code text} encodes to, without special tokens added around it (no BOS). */
    int count(String text);
}
