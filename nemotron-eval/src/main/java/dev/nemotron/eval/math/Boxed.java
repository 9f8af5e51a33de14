package dev.nemotron.eval.math;

import java.util.Optional;

/**
 * Finds {@code \boxed{...}} and {@code \fbox{...}} answers, with nested braces
 * ({@code \boxed{\frac{1}{2}}}) and the brace-less form {@code \boxed 5}.
 */
final class Boxed {
    private static final String[] COMMANDS = {"boxed", "fbox"};

    private Boxed() {
    }

    /**
     * The content of the last complete box in {@code text} (by position; an inner box counts as
     * later than its outer one), or empty when there is none.
     */
    static Optional<String> last(String text) {
        String best = null;
        int bestAt = -1;
        for (String name : COMMANDS) {
            int at = BraceGroups.findCommand(text, name, 0);
            while (at >= 0) {
                String content = contentAt(text, at + name.length() + 1);
                if (content != null && at > bestAt) {
                    best = content;
                    bestAt = at;
                }
                at = BraceGroups.findCommand(text, name, at + 1);
            }
        }
        return Optional.ofNullable(best);
    }

    /** The box's content starting at {@code i} (just after the command name), or null if unclosed. */
    private static String contentAt(String text, int i) {
        int open = BraceGroups.skipSpaces(text, i);
        if (open < text.length() && text.charAt(open) == '{') {
            int close = BraceGroups.closing(text, open);
            return close < 0 ? null : text.substring(open + 1, close);
        }
        if (open == i || open >= text.length()) {
            return null;
        }
        int end = open;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '$') {
            end++;
        }
        return text.substring(open, end);
    }
}
