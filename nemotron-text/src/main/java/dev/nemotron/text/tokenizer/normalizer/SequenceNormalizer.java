package dev.nemotron.text.tokenizer.normalizer;

import java.util.List;

/** {@code Sequence}: applies normalizers in order. */
public final class SequenceNormalizer implements Normalizer {
    private final List<Normalizer> normalizers;

    public SequenceNormalizer(List<Normalizer> normalizers) {
        this.normalizers = Normalizers.nonNull(normalizers);
    }

    @Override
    public String normalize(String text) {
        for (Normalizer n : normalizers) {
            text = n.normalize(text);
        }
        return text;
    }
}
