package dev.nemotron.eval.math;

/**
 * Balanced LaTeX brace groups: {@code {...}} with nested groups, where escaped braces
 * ({@code \{}, {@code \}}) and other escapes do not count.
 */
final class BraceGroups {
    private BraceGroups() {
    }

    /**
     * The index of the {@code '}'} that closes the {@code '{'} at {@code open}, or -1 when it is
     * never closed (or {@code open} is not a {@code '{'}).
     */
    static int closing(String s, int open) {
        if (open < 0 || open >= s.length() || s.charAt(open) != '{') {
            return -1;
        }
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first non-space character at or after {@code i} (or the length). */
    static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * The index of the next occurrence of the command {@code \name} at or after {@code from},
     * not followed by another letter ({@code \text} does not match {@code \textbf}); -1 if none.
     */
    static int findCommand(String s, String name, int from) {
        String cmd = "\\" + name;
        int i = s.indexOf(cmd, from);
        while (i >= 0) {
            int end = i + cmd.length();
            if (end >= s.length() || !Lexer.isLetter(s.charAt(end))) {
                return i;
            }
            i = s.indexOf(cmd, i + 1);
        }
        return -1;
    }
}
