package dev.nemotron.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken and foreign GGUF files: one GgufException line each, naming the problem. */
class GgufBadFileTest {
    @TempDir
    static Path tmp;
    static byte[] good;

    @BeforeAll
    static void export() throws Exception {
        Path out = tmp.resolve("good.gguf");
        ModelDirectory dir = ModelDirectory.open(Fixtures.dir("tiny-nemotron-h-a"));
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            GgufExporter.write(dir, ckpt, out, GgmlType.Q8_0);
        }
        good = Files.readAllBytes(out);
    }

    private static String error(byte[] bytes) throws Exception {
        Path f = Files.createTempFile(tmp, "bad", ".gguf");
        Files.write(f, bytes);
        try {
            GgufFile g = GgufFile.open(f);
            Path dir = Files.createTempDirectory(tmp, "imp");
            try (g) {
                GgufImport.writeDirectory(g, dir);
            }
            throw new AssertionError("accepted");
        } catch (GgufException e) {
            assertThat(e.getMessage()).doesNotContain("\n").startsWith(f.toString());
            return e.getMessage();
        }
    }

    @Test
    void truncatedFilesSayWhere() throws Exception {
        assertThat(error(Arrays.copyOf(good, 10))).contains("not a GGUF file");
        assertThat(error(Arrays.copyOf(good, 200))).contains("metadata count 32 does not fit in the file");
        assertThat(error(Arrays.copyOf(good, 2000))).contains("'tokenizer.ggml.tokens': array of 512 elements does not fit in the file");
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValue.str("nemotron_h"));
        assertThat(error(Arrays.copyOf(GgufTestFiles.withTensorType(kv, 0), 100))).contains("truncated: a 4-byte value needs 4 bytes at offset 99, 1 left");
        assertThat(error(Arrays.copyOf(good, good.length - 100))).contains("ends past the end of the file");
    }

    @Test
    void wrongMagicAndVersion() throws Exception {
        byte[] b = good.clone();
        b[0] = 'X';
        assertThat(error(b)).contains("not a GGUF file");
        b = good.clone();
        b[4] = 9;
        assertThat(error(b)).contains("GGUF version 9 is not supported");
    }

    @Test
    void hugeCountsAreRejectedBeforeAnythingIsSized() throws Exception {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(16, Long.MAX_VALUE / 3);
        assertThat(error(b)).contains("metadata count").contains("does not fit");
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 1L << 40);
        assertThat(error(b)).contains("tensor count").contains("does not fit");
    }

    /** Found by GgufFuzzTest: a tensor of 2^62 F32 elements overflowed the byte size (ArithmeticException). */
    @Test
    void aTensorWhoseByteSizeOverflowsIsOneError() throws Exception {
        byte[] b = Files.readAllBytes(Path.of("src/test/resources/fuzz/overflowing-size.gguf"));
        assertThat(error(b)).contains("more bytes than fit in 63 bits");
    }

    @Test
    void unsupportedTensorTypeNamesTheType() throws Exception {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValue.str("nemotron_h"));
        byte[] bytes = GgufTestFiles.withTensorType(kv, 12); // Q4_K
        assertThat(error(bytes)).contains("type Q4_K").contains("F32, F16, BF16 and Q8_0");
    }

    @Test
    void anotherArchitectureIsNamed() throws Exception {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValue.str("llama"));
        byte[] bytes = GgufTestFiles.withTensorType(kv, 0);
        assertThat(error(bytes)).contains("architecture 'llama' is not nemotron_h");
    }

    @Test
    void missingLayerTensorIsNamed() throws Exception {
        String name = "blk.3.attn_q.weight";
        int at = indexOf(good, name.getBytes());
        byte[] b = good.clone();
        b[at + name.length() - 8] = 'Q'; // blk.3.attn_Q.weight
        assertThat(error(b)).contains("layer 3 (attention by its head_count_kv and feed_forward_length) has no tensor blk.3.attn_q.weight");
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
