package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron pipeline} on the real module path, as ./nemotron launches it: the stage
 * providers of two modules (generate in nemotron-infer, tokenize in nemotron-cli) are bound by
 * ServiceLoader, and YAML specs parse with Jackson's YAML module and SnakeYAML as named modules.
 */
class PipelineLauncherIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stagesAndATinyRunWorkOnTheModulePath(@TempDir Path tmp) throws Exception {
        ModulePathLauncher.Result stages = ModulePathLauncher.run("pipeline", "stages", "--json");
        assertThat(stages.code()).as(stages.err()).isZero();
        assertThat(JSON.readTree(stages.out()).findValuesAsText("type")).contains("generate", "tokenize");

        ModulePathLauncher.Result init = ModulePathLauncher.run("init", "--config",
                CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(), "--out", tmp.resolve("model").toString(),
                "--tokenizer", CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.code()).as(init.err()).isZero();
        Files.writeString(tmp.resolve("corpus.txt"), "Hello, world!\n\nSecond document.\n");
        Path spec = Files.writeString(tmp.resolve("tiny.yaml"), """
                name: tiny
                out: runs/tiny
                model: model
                stages:
                  - {name: data, type: tokenize, text: [corpus.txt]}
                  - {name: sample, type: generate, prompts: ["Hi"], max_new_tokens: 4}
                """);
        ModulePathLauncher.Result run = ModulePathLauncher.run("pipeline", "run", spec.toString(), "--json");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).as("no warnings (SLF4J, Unsafe)").doesNotContain("SLF4J").doesNotContain("WARNING: sun.misc.Unsafe");
        JsonNode o = JSON.readTree(run.out());
        assertThat(o.get("stages").findValuesAsText("status")).containsExactly("ran", "ran");
        assertThat(o.get("stages").get(0).get("summary").get("documents").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(tmp.resolve("runs/tiny/02-sample/generations.jsonl"))).hasSize(1);

        ModulePathLauncher.Result again = ModulePathLauncher.run("pipeline", "run", spec.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("(0 ran, 2 skipped)");
        assertThat(again.err()).contains("complete, skipped");
    }
}
