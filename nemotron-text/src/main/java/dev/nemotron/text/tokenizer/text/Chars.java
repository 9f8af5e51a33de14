package dev.nemotron.text.tokenizer.text;

/** Character classes with the meaning Rust's {@code char} methods give them (used by HF tokenizers). */
public final class Chars {
    private Chars() {
    }

    /** Rust {@code char::is_whitespace}: the Unicode White_Space property. */
    public static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Rust {@code char::is_numeric}: general categories Nd, Nl and No. */
    public static boolean isNumeric(int cp) {
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** HF's punctuation test: ASCII punctuation or a Unicode P* category. */
    public static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) || (cp >= 0x7B && cp <= 0x7E);
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** A word character for added tokens' {@code single_word}: alphanumeric or underscore. */
    public static boolean isWordChar(int cp) {
        return cp == '_' || Character.isLetterOrDigit(cp);
    }
}
