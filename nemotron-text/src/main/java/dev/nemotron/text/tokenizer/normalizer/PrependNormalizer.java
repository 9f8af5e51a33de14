package dev.nemotron.text.tokenizer.normalizer;

/** {@code Prepend}: puts a fixed string in front of non-empty text (e.g. {@code ▁} for SentencePiece-style models). */
public final class PrependNormalizer implements Normalizer {
    private final String prepend;

    public PrependNormalizer(String prepend) {
        this.prepend = prepend;
    }

    @Override
    public String normalize(String text) {
        return text.isEmpty() ? text : prepend + text;
    }
}
