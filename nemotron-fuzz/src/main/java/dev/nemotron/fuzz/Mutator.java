package dev.nemotron.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Derives new inputs from a pool of inputs: byte-level mutations (bit flips, interesting bytes,
 * deletions, insertions, repeats, truncations, splices of two inputs, little-endian integers
 * overwritten) and JSON-aware ones (a number literal replaced by a boundary value, a string
 * literal replaced by a hostile one, deep nesting inserted). Deterministic for a given random
 * source; no output is longer than {@code maxLength}.
 */
public final class Mutator {
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "2", "255", "256", "65535", "65536",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "99999999999999999999999999", "1e308", "1e400", "-1e400",
        "1e-400", "0.5", "-0.5", "1.5", "3e9", "NaN", "Infinity", "-Infinity", "1E2", "0x10", "007", "1.0"};
    private static final String[] STRINGS = {"", " ", "\\u0000", "\\ud800", "\\udfff\\ud800", "\\uffff", "\u00e9",
        "\u4e2d", "\\\"", "\\\\", "\\n", "{{", "}}", "{%", "%}", "{#", "{{ x }}", "{% for m in messages %}", "</s>",
        "<s>", "<|im_start|>", "__metadata__", "F64", "F32", "BF16", "F16", "I64", "I32", "U8", "BOOL", "F8_E4M3",
        "../../../etc/passwd", "/dev/zero", "nul", "M", "*", "-", "E", "MMM*-", "text", "tokens", "input_ids",
        "ByteLevel", "BPE", "Sequence", "Regex", "(", "[", "(?<x>", "\\\\p{L}+", "a{99999}", "(a*)*b"};
    private static final byte[] BYTES = {0, 1, '"', '\\', '{', '}', '[', ']', ':', ',', '-', '0', '9', 'e', '.',
        '\n', '\r', ' ', (byte) 0x7f, (byte) 0x80, (byte) 0xc0, (byte) 0xe0, (byte) 0xf0, (byte) 0xff};
    private static final long[] LONGS = {0, 1, -1, 7, 8, 9, 255, 1L << 31, (1L << 31) - 1, 1L << 32, Long.MAX_VALUE,
        Long.MIN_VALUE, 100L << 20, (100L << 20) + 1};

    private final SplittableRandom random;
    private final int maxLength;

    public Mutator(SplittableRandom random, int maxLength) {
        this.random = random;
        this.maxLength = maxLength;
    }

    /** One to four stacked mutations of a random member of {@code pool}. */
    public byte[] mutate(List<byte[]> pool) {
        byte[] cur = pool.get(random.nextInt(pool.size()));
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            cur = once(cur, pool);
            if (cur.length > maxLength) {
                cur = java.util.Arrays.copyOf(cur, maxLength);
            }
        }
        return cur;
    }

    private byte[] once(byte[] in, List<byte[]> pool) {
        if (in.length == 0) {
            return ascii(random.nextBoolean() ? "{}" : NUMBERS[random.nextInt(NUMBERS.length)]);
        }
        return switch (random.nextInt(13)) {
            case 0 -> flipBit(in);
            case 1 -> setByte(in);
            case 2 -> delete(in);
            case 3 -> insertRandom(in);
            case 4 -> repeat(in);
            case 5 -> java.util.Arrays.copyOf(in, random.nextInt(in.length));
            case 6 -> splice(in, pool.get(random.nextInt(pool.size())));
            case 7, 8 -> replaceNumber(in);
            case 9, 10 -> replaceString(in);
            case 11 -> nest(in);
            default -> overwriteLong(in);
        };
    }

    private byte[] flipBit(byte[] in) {
        byte[] out = in.clone();
        int i = random.nextInt(out.length);
        out[i] ^= (byte) (1 << random.nextInt(8));
        return out;
    }

    private byte[] setByte(byte[] in) {
        byte[] out = in.clone();
        out[random.nextInt(out.length)] = BYTES[random.nextInt(BYTES.length)];
        return out;
    }

    private byte[] delete(byte[] in) {
        int from = random.nextInt(in.length);
        int len = 1 + random.nextInt(Math.min(in.length - from, 1 + random.nextInt(64)));
        return replace(in, from, from + len, new byte[0]);
    }

    private byte[] insertRandom(byte[] in) {
        byte[] ins = new byte[1 + random.nextInt(16)];
        for (int i = 0; i < ins.length; i++) {
            ins[i] = random.nextBoolean() ? BYTES[random.nextInt(BYTES.length)] : (byte) random.nextInt(256);
        }
        int at = random.nextInt(in.length + 1);
        return replace(in, at, at, ins);
    }

    private byte[] repeat(byte[] in) {
        int from = random.nextInt(in.length);
        int len = 1 + random.nextInt(Math.min(in.length - from, 256));
        int times = 1 + random.nextInt(random.nextBoolean() ? 4 : 200);
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        for (int i = 0; i < times && chunk.size() < maxLength; i++) {
            chunk.write(in, from, len);
        }
        return replace(in, from, from, chunk.toByteArray());
    }

    private byte[] splice(byte[] a, byte[] b) {
        if (b.length == 0) {
            return a;
        }
        int cut = random.nextInt(a.length + 1);
        int from = random.nextInt(b.length);
        int len = random.nextInt(b.length - from + 1);
        byte[] piece = java.util.Arrays.copyOfRange(b, from, from + len);
        return replace(a, cut, random.nextBoolean() ? cut : Math.min(a.length, cut + len), piece);
    }

    private byte[] replaceNumber(byte[] in) {
        int start = find(in, random.nextInt(in.length), b -> b >= '0' && b <= '9');
        if (start < 0) {
            return setByte(in);
        }
        while (start > 0 && (isNumberByte(in[start - 1]))) {
            start--;
        }
        int end = start;
        while (end < in.length && isNumberByte(in[end])) {
            end++;
        }
        return replace(in, start, end, ascii(NUMBERS[random.nextInt(NUMBERS.length)]));
    }

    private static boolean isNumberByte(byte b) {
        return (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E';
    }

    private byte[] replaceString(byte[] in) {
        int open = find(in, random.nextInt(in.length), b -> b == '"');
        if (open < 0) {
            return insertRandom(in);
        }
        int close = open + 1;
        while (close < in.length && !(in[close] == '"' && in[close - 1] != '\\')) {
            close++;
        }
        String s = random.nextInt(8) == 0 ? "A".repeat(1 + random.nextInt(5000)) : STRINGS[random.nextInt(STRINGS.length)];
        return replace(in, open + 1, Math.min(close, in.length), s.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] nest(byte[] in) {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 8 : 5000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        int at = random.nextInt(in.length + 1);
        byte[] mid = ascii(open.repeat(depth) + "1" + close.repeat(random.nextBoolean() ? depth : 0));
        return replace(in, at, at, mid);
    }

    private byte[] overwriteLong(byte[] in) {
        if (in.length < 8) {
            return flipBit(in);
        }
        byte[] out = in.clone();
        int at = random.nextInt(4) == 0 ? 0 : random.nextInt(out.length - 7);
        long v = LONGS[random.nextInt(LONGS.length)] + (random.nextBoolean() ? 0 : random.nextInt(17) - 8);
        int width = random.nextBoolean() ? 8 : 4;
        for (int i = 0; i < width; i++) {
            out[at + i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    private int find(byte[] in, int from, java.util.function.IntPredicate p) {
        for (int k = 0; k < in.length; k++) {
            int i = (from + k) % in.length;
            if (p.test(in[i])) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] replace(byte[] in, int from, int to, byte[] with) {
        byte[] out = new byte[in.length - (to - from) + with.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(with, 0, out, from, with.length);
        System.arraycopy(in, to, out, from + with.length, in.length - to);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
