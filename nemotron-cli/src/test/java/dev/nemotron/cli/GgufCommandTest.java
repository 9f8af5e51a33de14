package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron export gguf} and {@code --model FILE.gguf}: the exported file generates HF's greedy ids. */
class GgufCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeEach
    void cache() {
        System.setProperty("nemotron.gguf.cache", tmp.resolve("cache").toString());
    }

    @AfterEach
    void clear() {
        System.clearProperty("nemotron.gguf.cache");
    }

    @Test
    void exportedGgufGeneratesHfGreedyIds() throws Exception {
        Path dir = CliRun.fixture("tiny-nemotron-h-a");
        Path gguf = tmp.resolve("tiny.gguf");
        CliRun export = CliRun.of("export", "gguf", "--model", dir.toString(), "--out", gguf.toString(), "--type", "f32");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("gguf F32 (nemotron_h)");
        List<Integer> prompt = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        try (SafetensorsFile g = SafetensorsFile.open(dir.resolve("golden.safetensors"))) {
            Tensor p = g.tensor("generate.prompt_ids");
            Tensor o = g.tensor("generate.output_ids");
            for (long i = 0; i < p.numel(); i++) {
                prompt.add((int) p.getLong(i));
            }
            for (long i = p.numel(); i < o.numel(); i++) {
                expected.add((int) o.getLong(i));
            }
        }
        CliRun r = CliRun.of("generate", "--model", gguf.toString(), "--prompt-ids",
                String.join(",", prompt.stream().map(String::valueOf).toList()), "--greedy",
                "--max-new-tokens", String.valueOf(expected.size()), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<Integer> out = new ArrayList<>();
        JSON.readTree(r.out()).get("output_ids").forEach(n -> out.add(n.asInt()));
        assertThat(out).isEqualTo(expected);
    }

    @Test
    void aBrokenGgufIsOneErrorLine() throws Exception {
        Path bad = tmp.resolve("broken.gguf");
        Files.write(bad, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        CliRun r = CliRun.of("generate", "--model", bad.toString(), "--prompt-ids", "1,2", "--greedy", "--max-new-tokens", "2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: ").contains("broken.gguf").contains("metadata count").doesNotContain("\n");
    }
}
