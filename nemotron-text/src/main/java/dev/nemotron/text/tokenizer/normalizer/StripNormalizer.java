package dev.nemotron.text.tokenizer.normalizer;

import dev.nemotron.text.tokenizer.text.Chars;

/** {@code Strip}: removes Unicode whitespace from the left and/or right end. */
public final class StripNormalizer implements Normalizer {
    private final boolean left;
    private final boolean right;

    public StripNormalizer(boolean left, boolean right) {
        this.left = left;
        this.right = right;
    }

    @Override
    public String normalize(String text) {
        int start = 0;
        int end = text.length();
        if (left) {
            while (start < end && Chars.isWhitespace(text.codePointAt(start))) {
                start += Character.charCount(text.codePointAt(start));
            }
        }
        if (right) {
            while (end > start && Chars.isWhitespace(text.codePointBefore(end))) {
                end -= Character.charCount(text.codePointBefore(end));
            }
        }
        return text.substring(start, end);
    }
}
