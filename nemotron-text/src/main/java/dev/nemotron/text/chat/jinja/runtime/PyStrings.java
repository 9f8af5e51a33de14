package dev.nemotron.text.chat.jinja.runtime;

import java.util.ArrayList;
import java.util.List;

/** Python {@code str} operations with Python's rules (whitespace as {@code str.isspace}). */
public final class PyStrings {
    private PyStrings() {
    }

    /** Python's {@code str.isspace} for one character. */
    public static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    private static boolean strippable(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** {@code s.strip(chars)}; {@code chars == null} strips whitespace. */
    public static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    /** {@code s.lstrip(chars)}. */
    public static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && strippable(s.charAt(i), chars)) {
            i++;
        }
        return s.substring(i);
    }

    /** {@code s.rstrip(chars)}. */
    public static String rstrip(String s, String chars) {
        int j = s.length();
        while (j > 0 && strippable(s.charAt(j - 1), chars)) {
            j--;
        }
        return s.substring(0, j);
    }

    /** {@code s.split(sep, maxsplit)}; {@code sep == null} splits on runs of whitespace. */
    public static List<Object> split(String s, String sep, int maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            while (true) {
                while (i < s.length() && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= s.length()) {
                    return out;
                }
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(rstrip(s.substring(i), null));
                    return out;
                }
                int j = i;
                while (j < s.length() && !isSpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        if (sep.isEmpty()) {
            throw new RenderFailure("empty separator");
        }
        int start = 0;
        for (int at = s.indexOf(sep); at >= 0 && (maxsplit < 0 || out.size() < maxsplit); at = s.indexOf(sep, start)) {
            out.add(s.substring(start, at));
            start = at + sep.length();
        }
        out.add(s.substring(start));
        return out;
    }

    /** {@code s.rsplit(sep, maxsplit)} for an explicit separator (whitespace when {@code null}). */
    public static List<Object> rsplit(String s, String sep, int maxsplit) {
        if (sep == null || maxsplit < 0) {
            return split(s, sep, maxsplit);
        }
        List<Object> out = new ArrayList<>();
        int end = s.length();
        for (int at = s.lastIndexOf(sep, end - sep.length()); at >= 0 && out.size() < maxsplit;
                at = s.lastIndexOf(sep, end - sep.length())) {
            out.addFirst(s.substring(at + sep.length(), end));
            end = at;
            if (end - sep.length() < 0) {
                break;
            }
        }
        out.addFirst(s.substring(0, end));
        return out;
    }

    /** {@code s.title()}: upper-case the first letter of each run of letters, lower-case the rest. */
    public static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return sb.toString();
    }

    /** {@code s.capitalize()}. */
    public static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    /** Python's {@code repr} of a string (single quotes unless the text has one and no double quote). */
    public static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c == quote) {
                        sb.append('\\');
                    }
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append(quote).toString();
    }
}
