package dev.nemotron.text.tokenizer.decoder;

import dev.nemotron.text.tokenizer.text.Utf8;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ByteFallback}: runs of byte tokens ({@code <0xE2>}) become the text their bytes spell;
 * a run that is not valid UTF-8 becomes one U+FFFD per byte, as HF does.
 */
public final class ByteFallbackDecoder implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int pendingCount = 0;
        for (String t : tokens) {
            int b = byteValue(t);
            if (b >= 0) {
                pending.write(b);
                pendingCount++;
                continue;
            }
            if (pendingCount > 0) {
                flush(pending, pendingCount, out);
                pendingCount = 0;
            }
            out.add(t);
        }
        if (pendingCount > 0) {
            flush(pending, pendingCount, out);
        }
        return out;
    }

    private static void flush(ByteArrayOutputStream pending, int count, List<String> out) {
        byte[] bytes = pending.toByteArray();
        pending.reset();
        if (validUtf8(bytes)) {
            out.add(Utf8.decodeLossy(bytes, bytes.length));
        } else {
            out.addAll(java.util.Collections.nCopies(count, "\uFFFD"));
        }
    }

    private static boolean validUtf8(byte[] bytes) {
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** The byte of a {@code <0xHH>} token, or -1. */
    static int byteValue(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(t.charAt(3), 16);
        int lo = Character.digit(t.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
