package dev.nemotron.text.tokenizer.normalizer;

import java.util.Locale;

/** {@code Lowercase}: lower-cases character by character (no context rules such as final sigma), as HF does. */
public final class LowercaseNormalizer implements Normalizer {
    @Override
    public String normalize(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            String lower = cp < 0x80
                    ? (cp >= 'A' && cp <= 'Z' ? String.valueOf((char) (cp + 32)) : null)
                    : lowerOf(text.substring(i, i + n));
            if (lower != null && sb == null) {
                sb = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (sb != null) {
                if (lower != null) {
                    sb.append(lower);
                } else {
                    sb.appendCodePoint(cp);
                }
            }
            i += n;
        }
        return sb == null ? text : sb.toString();
    }

    private static String lowerOf(String ch) {
        String l = ch.toLowerCase(Locale.ROOT);
        return l.equals(ch) ? null : l;
    }
}
