package dev.nemotron.arch.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.NemotronException;
import dev.nemotron.fuzz.Fuzz;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link SafetensorsFile#open}: every file either opens (and each tensor it lists can be
 * sliced) or is rejected with one {@link SafetensorsException} line; see docs/fuzzing.md.
 */
class SafetensorsFuzzTest {
    static final String[] HEADERS = {
        "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[16,22]}}",
        "{\"w\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[0,16]},\"s\":{\"dtype\":\"I64\",\"shape\":[],"
                + "\"data_offsets\":[16,24]},\"e\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[24,24]}}",
        "{\"x\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},\"__metadata__\":{}}",
        "{}",
    };

    @TempDir
    Path dir;

    /** A safetensors file: the 8-byte little-endian header length, the header, {@code data} zero bytes. */
    static byte[] file(byte[] header, int data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = header.length;
        for (int i = 0; i < 8; i++) {
            out.write((int) (n >>> (8 * i)));
        }
        out.writeBytes(header);
        out.writeBytes(new byte[data]);
        return out.toByteArray();
    }

    static List<byte[]> headerSeeds() {
        return java.util.Arrays.stream(HEADERS).map(h -> h.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private void open(byte[] bytes) throws Exception {
        Path f = dir.resolve("model.safetensors");
        Files.write(f, bytes);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            for (String name : st.names()) {
                assertThat(st.tensor(name).data().byteSize()).isEqualTo(st.info(name).byteSize());
            }
        }
    }

    @Test
    void wholeFile() {
        Fuzz.target("safetensors-file")
                .seeds(headerSeeds().stream().map(h -> file(h, 24)).toList())
                .clean(t -> t instanceof SafetensorsException)
                .run(this::open);
    }

    /** The header JSON mutated and parsed against a 24-byte data section, so mutants reach the header checks. */
    @Test
    void header() {
        Path file = Path.of("model.safetensors");
        Fuzz.target("safetensors-header")
                .seeds(headerSeeds())
                .clean(t -> t instanceof SafetensorsException)
                .run(h -> HeaderParser.parse(file, new String(h, StandardCharsets.UTF_8), 24));
    }


}
