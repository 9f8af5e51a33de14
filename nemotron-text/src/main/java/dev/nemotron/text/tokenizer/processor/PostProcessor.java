package dev.nemotron.text.tokenizer.processor;

/**
 * A {@code post_processor} of {@code tokenizer.json}: adds the special tokens of a single
 * sequence (e.g. BOS) when encoding with special tokens. Implementations are immutable.
 */
public interface PostProcessor {
    int[] process(int[] ids);
}
