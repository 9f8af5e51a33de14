package dev.nemotron.eval.math;

import java.util.ArrayList;
import java.util.List;

/**
 * Scans a normalised answer outside brackets: the separators ({@code ,}, {@code =},
 * {@code \cup}, ...) that are not inside {@code ( )}, {@code [ ]} or {@code { }}. Brackets count
 * by kind-blind depth, so half-open intervals such as {@code (1,2]} nest correctly.
 */
final class TopLevel {
    private TopLevel() {
    }

    /** The bracket depth change of character {@code c}: +1 for ( [ {, −1 for ) ] }, else 0. */
    static int depthChange(char c) {
        return switch (c) {
            case '(', '[', '{' -> 1;
            case ')', ']', '}' -> -1;
            default -> 0;
        };
    }

    /**
     * {@code s} split at every top-level occurrence of {@code separator}; a command separator
     * ({@code \cup}) must not run on into a longer command ({@code \cupdot}), and {@code =} must
     * not be part of {@code <=}, {@code >=} or {@code !=}. One part when there is none.
     */
    static List<String> split(String s, String separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (depth == 0 && s.startsWith(separator, i) && isWhole(s, i, separator)) {
                parts.add(s.substring(start, i));
                i += separator.length() - 1;
                start = i + 1;
                continue;
            }
            depth = Math.max(0, depth + depthChange(c));
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static boolean isWhole(String s, int i, String separator) {
        int end = i + separator.length();
        if (separator.startsWith("\\") && end < s.length() && Lexer.isLetter(s.charAt(end))) {
            return false;
        }
        if (separator.equals("=")) {
            return i == 0 || "<>!".indexOf(s.charAt(i - 1)) < 0;
        }
        if (separator.equals("<") || separator.equals(">")) {
            return end >= s.length() || s.charAt(end) != '=';
        }
        return !(separator.equals(",") && i > 0 && s.charAt(i - 1) == '\\');
    }

    /**
     * Whether the bracket opening at index 0 of {@code s} closes at its last character (so the
     * whole of {@code s} is one bracketed group, not {@code (a)(b)}).
     */
    static boolean wrapsWhole(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            depth += depthChange(s.charAt(i));
            if (depth <= 0) {
                return i == s.length() - 1 && depth == 0;
            }
        }
        return false;
    }
}
