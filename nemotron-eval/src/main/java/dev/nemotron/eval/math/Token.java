package dev.nemotron.eval.math;

/**
 * One token of a normalised answer, made by {@link Lexer}.
 *
 * @param kind        what it is
 * @param text        the number's digits, the letter, the command's name without the backslash
 *                    ({@code "frac"}, {@code "{"} for {@code \{}), or the symbol ({@code "<="})
 * @param spaceBefore whether white space came before it
 */
record Token(Kind kind, String text, boolean spaceBefore) {
    /** Token kinds. */
    enum Kind {
        /** Digits with an optional decimal part and exponent: {@code 12}, {@code 0.5}, {@code 1e3}. */
        NUMBER,
        /** One ASCII letter, a variable or the constant {@code e}. */
        LETTER,
        /** A backslash command ({@code \frac}), or a known word written without one ({@code sqrt}, {@code pi}). */
        COMMAND,
        /** An operator or bracket: {@code + - * / ^ _ ( ) [ ] { } | , = < > <= >= !=}. */
        SYMBOL,
        /** The end of the input. */
        END
    }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isSymbol(String t) {
        return is(Kind.SYMBOL, t);
    }
}
