package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Integer> ints(Tensor t) {
        List<Integer> out = new ArrayList<>();
        for (long i = 0; i < t.numel(); i++) {
            out.add((int) t.getLong(i));
        }
        return out;
    }

    @Test
    void greedyJsonOutputMatchesHfGenerate() throws Exception {
        Path dir = CliRun.fixture("tiny-nemotron-h-a");
        List<Integer> prompt;
        List<Integer> expected;
        try (SafetensorsFile g = SafetensorsFile.open(dir.resolve("golden.safetensors"))) {
            prompt = ints(g.tensor("generate.prompt_ids"));
            expected = ints(g.tensor("generate.output_ids"));
        }
        String ids = String.join(",", prompt.stream().map(String::valueOf).toList());
        CliRun r = CliRun.of("generate", "--model", dir.toString(), "--prompt-ids", ids, "--greedy",
                "--max-new-tokens", String.valueOf(expected.size() - prompt.size()), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        List<Integer> out = new ArrayList<>();
        o.get("output_ids").forEach(n -> out.add(n.asInt()));
        assertThat(out).isEqualTo(expected.subList(prompt.size(), expected.size()));
        assertThat(o.get("prompt_ids").size()).isEqualTo(prompt.size());
    }

    @Test
    void textPromptWithChatTemplateAndThinkingBudget(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("m");
        CliRun init = CliRun.of("init", "--config", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(),
                "--out", model.toString(), "--tokenizer", CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--prompt", "What is 2+2?", "--chat",
                "--max-new-tokens", "30", "--max-thinking-tokens", "4", "--thinking-grace", "2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        // reasoning is closed by the budget: at most 4 + 2 reasoning tokens, then </think> (id 4)
        List<Integer> out = new ArrayList<>();
        o.get("output_ids").forEach(n -> out.add(n.asInt()));
        int close = out.indexOf(4);
        assertThat(close).isBetween(0, 6);
        CliRun bad = CliRun.of("generate", "--model", model.toString(), "--prompt", "x", "--temperature", "-1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("temperature");
    }

    @Test
    void anImmediateEndOfSequenceSaysSoOnStderr(@TempDir Path tmp) throws Exception {
        Path fixture = CliRun.fixture("tiny-nemotron-h-a");
        List<Integer> prompt;
        int first;
        try (SafetensorsFile g = SafetensorsFile.open(fixture.resolve("golden.safetensors"))) {
            prompt = ints(g.tensor("generate.prompt_ids"));
            first = ints(g.tensor("generate.output_ids")).get(prompt.size());
        }
        // the model's greedy first token is its end of sequence
        Path model = java.nio.file.Files.createDirectories(tmp.resolve("m"));
        java.nio.file.Files.copy(fixture.resolve("config.json"), model.resolve("config.json"));
        java.nio.file.Files.copy(fixture.resolve("model.safetensors"), model.resolve("model.safetensors"));
        java.nio.file.Files.writeString(model.resolve("generation_config.json"), "{\"eos_token_id\": " + first + "}");
        String ids = String.join(",", prompt.stream().map(String::valueOf).toList());
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--prompt-ids", ids, "--greedy", "--max-new-tokens", "8");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isBlank();
        assertThat(r.err()).contains("note: the model ended the sequence at once (no tokens generated)");

        CliRun json = CliRun.of("generate", "--model", model.toString(), "--prompt-ids", ids, "--greedy", "--json");
        assertThat(JSON.readTree(json.out()).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(json.err()).contains("note: the model ended the sequence at once");

        // a generation that produced tokens has no note
        CliRun normal = CliRun.of("generate", "--model", fixture.toString(), "--prompt-ids", ids, "--greedy", "--max-new-tokens", "3");
        assertThat(normal.err()).doesNotContain("note:");
    }
}
