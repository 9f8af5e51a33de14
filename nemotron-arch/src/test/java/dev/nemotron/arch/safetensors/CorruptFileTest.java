package dev.nemotron.arch.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every malformed file yields a one-line SafetensorsException that names the file and problem. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorruptFileTest {
    private static final String NAME = "bad.safetensors";

    @TempDir
    Path tmp;

    private static void assertRejected(Path file, String... fragments) {
        assertThatThrownBy(() -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                throw new AssertionError("opened " + f);
            }
        })
                .isExactlyInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith(file.getFileName() + ": ")
                .hasMessageNotContaining("\n")
                .hasMessageContainingAll(fragments);
    }

    private Path header(String json, int dataBytes) {
        return TestFiles.file(tmp, NAME, json, dataBytes);
    }

    private static String tensor(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    @Test
    void missingFile() {
        assertRejected(tmp.resolve(NAME), "does not exist");
    }

    @Test
    void emptyAndTruncatedFiles() throws Exception {
        Files.write(tmp.resolve(NAME), new byte[0]);
        assertRejected(tmp.resolve(NAME), "file is 0 bytes", "too short");
        Files.write(tmp.resolve(NAME), new byte[] {16, 0, 0, 0, 0});
        assertRejected(tmp.resolve(NAME), "file is 5 bytes", "too short");
    }

    @Test
    void headerLengthZero() {
        assertRejected(TestFiles.file(tmp, NAME, 0, new byte[0], new byte[8]), "header length is 0");
    }

    @Test
    void absurdHeaderLengths() {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(TestFiles.file(tmp, NAME, 1L << 62, h, new byte[0]),
                "header length " + (1L << 62), "exceeds the limit");
        assertRejected(TestFiles.file(tmp, NAME, -1L, h, new byte[0]),
                "header length 18446744073709551615", "exceeds the limit");
        assertRejected(TestFiles.file(tmp, NAME, (100L << 20) + 1, h, new byte[0]), "exceeds the limit");
    }

    @Test
    void headerPastEndOfFile() {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(TestFiles.file(tmp, NAME, 1000, h, new byte[0]),
                "header length 1000 extends past the end of the file (10 bytes)");
    }

    @Test
    void headerNotJsonObjectOrNotUtf8() {
        assertRejected(header("{\"a\":", 0), "header is not valid JSON");
        assertRejected(header("not json at all", 0), "header is not valid JSON");
        assertRejected(header("{} trailing", 0), "header is not valid JSON");
        assertRejected(header("   ", 0), "header is empty");
        assertRejected(header("[1, 2]", 0), "header is a JSON array, expected an object");
        assertRejected(header("\"text\"", 0), "expected an object");
        assertRejected(header("{" + tensor("x", "F32", "[1]", "[0,4]") + "," + tensor("x", "F32", "[1]", "[0,4]") + "}", 4),
                "not valid JSON", "x");
        assertRejected(header("{\"__metadata__\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 0),
                "header is not valid JSON");
        byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        assertRejected(TestFiles.file(tmp, NAME, bad.length, bad, new byte[0]), "not valid UTF-8");
    }

    @Test
    void badMetadata() {
        assertRejected(header("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__ value of 'format' must be a string");
        assertRejected(header("{\"__metadata__\":[\"pt\"]}", 0), "__metadata__ must be an object of strings");
    }

    @Test
    void unknownDtype() {
        assertRejected(header("{" + tensor("w.q", "F8_E5M2", "[2]", "[0,2]") + "}", 2),
                "tensor 'w.q' has unknown dtype 'F8_E5M2'", "known: F64, F32");
        assertRejected(header("{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'w' dtype must be a string");
    }

    @Test
    void missingFields() {
        assertRejected(header("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w' has no dtype");
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor 'w' has no shape");
        assertRejected(header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'w' has no data_offsets");
        assertRejected(header("{\"w\":[1,2]}", 4), "tensor 'w' must be an object");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[-1]      | dimension 0 must be a non-negative integer, found -1",
        "[2,2.5]   | dimension 1 must be a non-negative integer, found 2.5",
        "[\"4\"]   | dimension 0 must be a non-negative integer, found \"4\"",
        "[null]    | dimension 0 must be a non-negative integer",
        "[1e30]    | must be a non-negative integer",
        "[123456789012345678901234567890] | must be a non-negative integer",
        "4         | shape must be an array, found 4",
    })
    void badShapes(String shape, String fragment) {
        assertRejected(header("{" + tensor("s", "F32", shape, "[0,16]") + "}", 16), "tensor 's' shape", fragment);
    }

    @Test
    void numelOrByteSizeOverflow() {
        assertRejected(header("{" + tensor("o", "F32", "[1099511627776,1099511627776]", "[0,4]") + "}", 4),
                "tensor 'o' shape [1099511627776, 1099511627776] has too many elements");
        assertRejected(header("{" + tensor("o", "F32", "[4611686018427387904]", "[0,4]") + "}", 4),
                "tensor 'o' shape [4611686018427387904] has too many elements");
    }

    @Test
    void wrongByteSize() {
        assertRejected(header("{" + tensor("w", "F32", "[4]", "[0,12]") + "}", 16),
                "tensor 'w' data [0, 12) is 12 bytes, but F32[4] needs 16 bytes");
        assertRejected(header("{" + tensor("w", "BF16", "[2,3]", "[0,24]") + "}", 24),
                "is 24 bytes, but BF16[2, 3] needs 12 bytes");
    }

    @Test
    void offsetsOutOfRange() {
        assertRejected(header("{" + tensor("lm_head.weight", "F32", "[512]", "[100,2148]") + "}", 2048),
                "tensor 'lm_head.weight' data [100, 2148) extends past the end of the data section (2048 bytes)");
        assertRejected(header("{" + tensor("w", "U8", "[4]", "[-4,0]") + "}", 4),
                "tensor 'w' data_offsets begin must be a non-negative integer, found -4");
        assertRejected(header("{" + tensor("w", "U8", "[4]", "[0,4,8]") + "}", 8),
                "tensor 'w' data_offsets must be [begin, end], found [0,4,8]");
        assertRejected(header("{" + tensor("w", "U8", "[4]", "[0]") + "}", 8), "must be [begin, end]");
        assertRejected(header("{" + tensor("w", "U8", "[0]", "[99999999999999999999,0]") + "}", 8),
                "data_offsets begin must be a non-negative integer");
    }

    @Test
    void beginAfterEnd() {
        assertRejected(header("{" + tensor("w", "U8", "[0]", "[8,4]") + "}", 8),
                "tensor 'w' data_offsets [8, 4) begin after they end");
    }

    @Test
    void overlappingTensors() {
        String json = "{" + tensor("a", "F32", "[2]", "[8,16]") + "," + tensor("b", "F32", "[4]", "[0,16]") + ","
                + tensor("c", "F32", "[1]", "[16,20]") + "}";
        assertRejected(header(json, 20), "tensors 'b' [0, 16) and 'a' [8, 16) overlap");
        String shared = "{" + tensor("a", "U8", "[4]", "[0,4]") + "," + tensor("b", "U8", "[4]", "[0,4]") + "}";
        assertRejected(header(shared, 4), "overlap");
    }

    @Test
    void emptyTensorsAndGapsAreAccepted() {
        String json = "{" + tensor("e1", "F32", "[0,3]", "[4,4]") + "," + tensor("a", "U8", "[8]", "[0,8]") + ","
                + tensor("e2", "I64", "[0]", "[8,8]") + "," + tensor("b", "U8", "[2]", "[10,12]") + "}";
        try (SafetensorsFile f = SafetensorsFile.open(header(json, 12))) {
            assertThat(f.names()).containsExactly("e1", "a", "e2", "b");
            assertThat(f.tensor("e1").numel()).isZero();
        }
    }

    @Test
    void missingTensorNamesIt() {
        try (SafetensorsFile f = SafetensorsFile.open(header("{" + tensor("a", "U8", "[1]", "[0,1]") + "}", 1))) {
            assertThatThrownBy(() -> f.tensor("lm_head.weight")).isExactlyInstanceOf(SafetensorsException.class)
                    .hasMessage(NAME + ": no tensor named 'lm_head.weight'");
            assertThatThrownBy(() -> f.info("x")).isExactlyInstanceOf(SafetensorsException.class);
            assertThat(f.find("x")).isEmpty();
        }
    }

    @Test
    void closedFileRefusesNewTensorsAndOldOnes() {
        SafetensorsFile f = SafetensorsFile.open(header("{" + tensor("a", "U8", "[1]", "[0,1]") + "}", 1));
        var t = f.tensor("a");
        f.close();
        f.close();
        assertThatThrownBy(() -> f.tensor("a")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> t.getLong(0)).isInstanceOf(IllegalStateException.class);
    }

    /** Every truncation and many random byte flips of a valid file: open succeeds or throws ours. */
    @Test
    void truncationsAndMutationsNeverEscapeAsOtherExceptions() throws Exception {
        String json = "{\"__metadata__\":{\"format\":\"pt\"}," + tensor("a", "F32", "[2,2]", "[0,16]") + ","
                + tensor("b", "BF16", "[3]", "[16,22]") + "," + tensor("c", "I64", "[1]", "[22,30]") + "}";
        Path valid = header(json, 30);
        byte[] bytes = Files.readAllBytes(valid);
        Path probe = tmp.resolve("probe.safetensors");
        for (int len = 0; len < bytes.length; len++) {
            Files.write(probe, Arrays.copyOf(bytes, len));
            assertThatThrownBy(() -> SafetensorsFile.open(probe).close())
                    .as("truncated to %d bytes", len).isExactlyInstanceOf(SafetensorsException.class);
        }
        Random rnd = new Random(1234);
        for (int i = 0; i < 2000; i++) {
            byte[] m = bytes.clone();
            int flips = 1 + rnd.nextInt(3);
            for (int k = 0; k < flips; k++) {
                m[rnd.nextInt(Math.min(m.length, 8 + json.length()))] = (byte) rnd.nextInt(256);
            }
            Files.write(probe, m);
            try {
                SafetensorsFile.open(probe).close();
            } catch (SafetensorsException expected) {
                assertThat(expected.getMessage()).startsWith("probe.safetensors: ").doesNotContain("\n");
            }
        }
    }
}
