package dev.nemotron.text.chat.jinja.lexer;

/** Decodes the backslash escapes of a Python string literal. */
final class StringEscapes {
    private StringEscapes() {
    }

    /**
     * Decodes the escape that starts at {@code src[i]} (a backslash) into {@code out}.
     *
     * @return the index just after the escape
     */
    static int decode(String src, int i, StringBuilder out) {
        char e = src.charAt(i + 1);
        switch (e) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case '0' -> out.append('\0');
            case '\\', '\'', '"' -> out.append(e);
            case '\n' -> { /* line continuation */ }
            case 'x' -> {
                return hex(src, i + 2, 2, out);
            }
            case 'u' -> {
                return hex(src, i + 2, 4, out);
            }
            case 'U' -> {
                return hex(src, i + 2, 8, out);
            }
            default -> out.append('\\').append(e);
        }
        return i + 2;
    }

    private static int hex(String src, int start, int digits, StringBuilder out) {
        if (start + digits > src.length()) {
            out.append(src, start - 2, src.length());
            return src.length();
        }
        int cp = 0;
        for (int k = start; k < start + digits; k++) {
            int d = Character.digit(src.charAt(k), 16);
            if (d < 0 || cp > 0x10FFFF >> 4) { // not hex digits, or past the last code point: kept as written
                out.append(src, start - 2, start);
                return start;
            }
            cp = cp * 16 + d;
        }
        if (cp > 0x10FFFF) {
            out.append(src, start - 2, start);
            return start;
        }
        out.appendCodePoint(cp);
        return start + digits;
    }
}
