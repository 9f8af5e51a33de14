package dev.nemotron.text.tokenizer.normalizer;

/** A {@code normalizer} of {@code tokenizer.json}: rewrites text before pre-tokenization. Implementations are immutable. */
public interface Normalizer {
    String normalize(String text);
}
