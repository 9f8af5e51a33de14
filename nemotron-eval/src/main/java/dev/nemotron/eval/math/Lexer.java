package dev.nemotron.eval.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a normalised answer ({@link LatexNormalizer}) into {@link Token}s.
 *
 * <ol>
 *   <li>White space is skipped, but the next token remembers it ({@link Token#spaceBefore()}).</li>
 *   <li>A number is digits with an optional {@code .digits} (or {@code .digits} alone) and an
 *       optional exponent {@code e[+-]digits} written right after it ({@code 1e3}, {@code 2.5E-2}).</li>
 *   <li>{@code \name} is a command; {@code \{}, {@code \}} and {@code \|} are commands named
 *       {@code "{"}, {@code "}"} and {@code "|"}.</li>
 *   <li>A run of letters that is a known word ({@code sqrt}, {@code pi}, {@code infty},
 *       {@code inf}, {@code oo}, a function name) is that command; any other run is one letter token per letter ({@code xy} = x·y).</li>
 *   <li>{@code <=}, {@code >=} and {@code !=} are one symbol; other operator characters are one each.</li>
 * </ol>
 */
final class Lexer {
    private static final Set<String> WORDS = Set.of("sqrt", "pi", "infty", "infinity", "inf", "oo", "frac");
    private static final String SYMBOLS = "+-*/^_()[]{}|,=<>!'";

    private Lexer() {
    }

    /**
     * The tokens of {@code text}, ending with an {@link Token.Kind#END} token.
     *
     * @throws ParseFailure at a character no token starts with
     */
    static List<Token> tokenize(String text) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        boolean space = false;
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                i++;
                continue;
            }
            int start = i;
            if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(text.charAt(i + 1)))) {
                i = numberEnd(text, i);
                out.add(new Token(Token.Kind.NUMBER, text.substring(start, i), space));
            } else if (c == '\\') {
                i++;
                if (i < n && isLetter(text.charAt(i))) {
                    while (i < n && isLetter(text.charAt(i))) {
                        i++;
                    }
                    out.add(new Token(Token.Kind.COMMAND, text.substring(start + 1, i), space));
                } else if (i < n && "{}|".indexOf(text.charAt(i)) >= 0) {
                    out.add(new Token(Token.Kind.COMMAND, String.valueOf(text.charAt(i)), space));
                    i++;
                } else {
                    throw new ParseFailure("stray backslash at " + start);
                }
            } else if (isLetter(c)) {
                while (i < n && isLetter(text.charAt(i))) {
                    i++;
                }
                String word = text.substring(start, i);
                if (isKnownWord(word)) {
                    out.add(new Token(Token.Kind.COMMAND, word, space));
                } else {
                    for (int k = 0; k < word.length(); k++) {
                        out.add(new Token(Token.Kind.LETTER, String.valueOf(word.charAt(k)), space && k == 0));
                    }
                }
            } else if ((c == '<' || c == '>' || c == '!') && i + 1 < n && text.charAt(i + 1) == '=') {
                out.add(new Token(Token.Kind.SYMBOL, text.substring(i, i + 2), space));
                i += 2;
            } else if (SYMBOLS.indexOf(c) >= 0) {
                out.add(new Token(Token.Kind.SYMBOL, String.valueOf(c), space));
                i++;
            } else {
                throw new ParseFailure("unexpected character '" + c + "'");
            }
            space = false;
        }
        out.add(new Token(Token.Kind.END, "", space));
        return out;
    }

    private static int numberEnd(String text, int i) {
        int n = text.length();
        while (i < n && isDigit(text.charAt(i))) {
            i++;
        }
        if (i + 1 < n && text.charAt(i) == '.' && isDigit(text.charAt(i + 1))) {
            i++;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
            }
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (text.charAt(j) == '+' || text.charAt(j) == '-')) {
                j++;
            }
            if (j < n && isDigit(text.charAt(j))) {
                while (j < n && isDigit(text.charAt(j))) {
                    j++;
                }
                return j;
            }
        }
        return i;
    }

    /** Whether a run of letters is a word the lexer reads as a command ({@code sqrt}, {@code pi}, {@code sin}). */
    static boolean isKnownWord(String word) {
        return WORDS.contains(word) || Functions.NAMES.contains(word);
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
