package dev.nemotron.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Small hand-built GGUF files for the error and fuzz tests. */
final class GgufTestFiles {
    private GgufTestFiles() {
    }

    /** A GGUF v3 file with {@code kv} (strings only) and one 32x2 tensor "token_embd.weight" of ggml type {@code type}. */
    static byte[] withTensorType(Map<String, GgufValue> kv, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(GgufFile.MAGIC).putInt(3).putLong(1).putLong(kv.size());
        for (Map.Entry<String, GgufValue> e : kv.entrySet()) {
            str(b, e.getKey());
            b.putInt(GgufValue.STRING);
            str(b, ((GgufValue.Str) e.getValue()).value());
        }
        str(b, "token_embd.weight");
        b.putInt(2).putLong(32).putLong(2).putInt(type).putLong(0);
        while (b.position() % 32 != 0) {
            b.put((byte) 0);
        }
        b.put(new byte[32 * 2 * 4]);
        out.write(b.array(), 0, b.position());
        return out.toByteArray();
    }

    private static void str(ByteBuffer b, String s) {
        byte[] x = s.getBytes(StandardCharsets.UTF_8);
        b.putLong(x.length).put(x);
    }
}
