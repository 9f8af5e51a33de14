package dev.nemotron.text.tokenizer.text;

/**
 * The GPT-2 byte-to-unicode table used by byte-level BPE: printable bytes ({@code !..~},
 * {@code ¡..¬}, {@code ®..ÿ}) map to themselves, the other 68 bytes to U+0100 onwards in order,
 * so that every byte is one visible character (space is {@code Ġ}, newline {@code Ċ}).
 */
public final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 when it is not in the alphabet. */
    public static int byteOf(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The UTF-8 bytes of {@code s}, each shown as its alphabet character. */
    public static String encode(String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length() && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        char[] out;
        if (ascii) {
            out = new char[s.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = BYTE_TO_CHAR[s.charAt(i)];
            }
        } else {
            byte[] bytes = Utf8.encode(s);
            out = new char[bytes.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
            }
        }
        return new String(out);
    }
}
