package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt checkpoints and configs: each must end in exit code 2 with exactly one line on stderr
 * that names the problem, never a stack trace or a hang.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    private Path model(String name, byte[] safetensors) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.copy(CliRun.fixture("tiny-nemotron-h-a").resolve("config.json"), dir.resolve("config.json"));
        Files.write(dir.resolve("model.safetensors"), safetensors);
        return dir;
    }

    private static byte[] safetensors(String headerJson, int dataBytes) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ").doesNotContain("Exception");
        for (String f : fragments) {
            assertThat(lines.get(0)).containsIgnoringCase(f);
        }
        assertThat(r.out()).isEmpty();
    }

    private CliRun forward(Path dir) {
        return CliRun.of("forward", "--model", dir.toString(), "--ids", "1,2,3", "--out", tmp.resolve("o.safetensors").toString());
    }

    @Test
    void truncatedCheckpoint() throws IOException {
        byte[] real = Files.readAllBytes(CliRun.fixture("tiny-nemotron-h-a").resolve("model.safetensors"));
        assertOneLineError(forward(model("trunc", Arrays.copyOf(real, real.length / 2))), "model.safetensors");
        assertOneLineError(forward(model("tiny", new byte[5])), "model.safetensors");
        assertOneLineError(forward(model("empty", new byte[0])), "model.safetensors");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 62);
        assertOneLineError(forward(model("absurd", b.array())), "header");
    }

    @Test
    void overlappingOffsets() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertOneLineError(forward(model("overlap", safetensors(h, 12))), "overlap");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertOneLineError(forward(model("range", safetensors(h, 8))), "'a'");
    }

    @Test
    void wrongByteSize() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}";
        assertOneLineError(forward(model("size", safetensors(h, 12))), "'a'");
    }

    @Test
    void malformedHeaderJson() throws IOException {
        assertOneLineError(forward(model("json", safetensors("{\"a\": [", 0))), "model.safetensors");
    }

    @Test
    void malformedConfig() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cfg"));
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 64,");
        assertOneLineError(CliRun.of("inspect", dir.toString()), "config.json", "not valid JSON");
    }

    @Test
    void configInconsistentWithWeightsNamesTheFields() throws IOException {
        Path src = CliRun.fixture("tiny-nemotron-h-a");
        Path dir = Files.createDirectories(tmp.resolve("inconsistent"));
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) json.readTree(Files.readString(src.resolve("config.json")));
        cfg.put("mamba_head_dim", 20); // 8 heads x 20 != the 8 x 16 of the weights
        Files.writeString(dir.resolve("config.json"), cfg.toString());
        assertOneLineError(forward(dir), "in_proj.weight", "mamba_num_heads*mamba_head_dim");
    }

    @Test
    void unknownLayerSymbolAndBadFlags() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sym"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) json.readTree(Files.readString(CliRun.fixture("tiny-nemotron-h-a").resolve("config.json")));
        cfg.remove("layers_block_type");
        cfg.put("hybrid_override_pattern", "M-M*-M-E*-");
        Files.writeString(dir.resolve("config.json"), cfg.toString());
        assertOneLineError(CliRun.of("inspect", dir.toString()), "hybrid_override_pattern[7] = 'E'");
        assertOneLineError(CliRun.of("inspect", tmp.resolve("nope").toString()), "no such file");
        CliRun badBatch = CliRun.of("inspect", dir.toString(), "--batch", "0");
        assertThat(badBatch.exitCode()).isEqualTo(2);
        assertThat(badBatch.err()).contains("--batch must be >= 1");
    }

    @Test
    void tokenOutsideVocabulary() {
        CliRun r = CliRun.of("forward", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(), "--ids", "1,512",
                "--out", tmp.resolve("o.safetensors").toString());
        assertOneLineError(r, "token id 512", "vocab_size 512");
    }
}
