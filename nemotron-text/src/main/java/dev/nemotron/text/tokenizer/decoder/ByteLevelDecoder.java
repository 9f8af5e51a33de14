package dev.nemotron.text.tokenizer.decoder;

import dev.nemotron.text.tokenizer.text.ByteLevelAlphabet;
import dev.nemotron.text.tokenizer.text.Utf8;
import java.util.List;

/**
 * {@code ByteLevel}: maps each token's characters back to bytes (a token with a character outside
 * the byte alphabet, such as an added token, contributes its own UTF-8 bytes) and decodes all
 * bytes as UTF-8, invalid sequences becoming U+FFFD.
 */
public final class ByteLevelDecoder implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        int total = 0;
        for (String t : tokens) {
            total += t.length() * 3;
        }
        byte[] bytes = new byte[total];
        int n = 0;
        for (String t : tokens) {
            int start = n;
            boolean inAlphabet = true;
            for (int i = 0; i < t.length(); i++) {
                int b = ByteLevelAlphabet.byteOf(t.charAt(i));
                if (b < 0) {
                    inAlphabet = false;
                    break;
                }
                bytes[n++] = (byte) b;
            }
            if (!inAlphabet) {
                n = start;
                for (byte b : Utf8.encode(t)) {
                    bytes[n++] = b;
                }
            }
        }
        return List.of(Utf8.decodeLossy(bytes, n));
    }
}
