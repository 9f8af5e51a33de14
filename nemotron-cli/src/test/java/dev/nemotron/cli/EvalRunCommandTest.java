package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron eval run | budget-sweep | tasks}. */
class EvalRunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void canonicalGsm8kScoresOneAndWritesTheReports() throws Exception {
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("eval", "run", "--model", "canonical", "--tasks", "gsm8k", "--limit", "50", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| gsm8k | math_equiv | 1.0000 | 0.0000 | 50 |", "| exact_match | 1.0000 |");
        assertThat(r.err()).contains("eval gsm8k: 50 samples", "math_equiv = 1.0000");
        JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
        assertThat(results.get("tasks").get("gsm8k").get("primary_metric").asText()).isEqualTo("math_equiv");
        assertThat(results.get("tasks").get("gsm8k").get("metrics").get("math_equiv").get("value").asDouble()).isEqualTo(1.0);
        assertThat(results.get("tasks").get("gsm8k").get("metrics").get("exact_match").get("value").asDouble()).isEqualTo(1.0);
        assertThat(Files.readAllLines(out.resolve("samples_gsm8k.jsonl"))).hasSize(50);
        assertThat(Files.size(out.resolve("accuracy.png"))).isGreaterThan(1000);
        assertThat(Files.readString(out.resolve("report.md"))).contains("| gsm8k | math_equiv | 1.0000 |");

        // a rerun resumes everything and prints JSON
        CliRun again = CliRun.of("eval", "run", "--model", "canonical", "--tasks", "gsm8k", "--limit", "50", "--out",
                out.toString(), "--json");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("50 already done, resuming");
        assertThat(JSON.readTree(again.out()).get("tasks").get("gsm8k").get("resumed").asInt()).isEqualTo(50);
        assertThat(Files.readAllLines(out.resolve("samples_gsm8k.jsonl"))).hasSize(50);
    }

    @Test
    void canonicalCodeTasksPassWithPassAtEveryKUpToTheRepeats() throws Exception {
        Path out = tmp.resolve("code");
        CliRun r = CliRun.of("eval", "run", "--model", "canonical", "--tasks", "humaneval,humaneval_java", "--limit", "2",
                "--repeats", "2", "--out", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode tasks = JSON.readTree(out.resolve("results.json").toFile()).get("tasks");
        for (String task : new String[] {"humaneval", "humaneval_java"}) {
            JsonNode t = tasks.get(task);
            assertThat(t.get("primary_metric").asText()).isEqualTo("code_exec_pass@1");
            assertThat(t.get("metrics").get("code_exec_pass@1").get("value").asDouble()).as(task).isEqualTo(1.0);
            assertThat(t.get("metrics").get("code_exec_pass@2").get("value").asDouble()).as(task).isEqualTo(1.0);
            assertThat(Files.readAllLines(out.resolve("samples_" + task + ".jsonl"))).hasSize(4);
        }
        assertThat(Files.readString(out.resolve("report.md"))).contains("| humaneval_java | code_exec_pass@1 | 1.0000 |");
    }

    @Test
    void canonicalRulerTaskScoresOneAndTheLengthCanBeChanged() throws Exception {
        Path out = tmp.resolve("ruler");
        CliRun r = CliRun.of("eval", "run", "--model", "canonical", "--tasks", "ruler_niah_single_1", "--limit", "5",
                "--ruler-length", "1k", "--tokenizer",
                CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| ruler_niah_single_1 | string_match_all | 1.0000 | 0.0000 | 5 |");
        JsonNode first = JSON.readTree(Files.readAllLines(out.resolve("samples_ruler_niah_single_1.jsonl")).getFirst());
        assertThat(first.get("prompt_tokens").asInt()).isZero();   // canonical: no tokens; the doc holds the count
        JsonNode config = JSON.readTree(out.resolve("results.json").toFile()).get("tasks").get("ruler_niah_single_1")
                .get("config").get("dataset");
        assertThat(config.get("length").asInt()).isEqualTo(1024);
        assertThat(config.get("tokenizer").asText()).endsWith("nemotron-bpe-2k");
        CliRun bad = CliRun.of("eval", "run", "--model", "canonical", "--tasks", "ruler_vt", "--ruler-length", "long");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--ruler-length must be a number of tokens such as 8192 or 32k, got 'long'");
    }

    @Test
    void taskFilesAndOverrides() throws Exception {
        Files.writeString(tmp.resolve("d.jsonl"), "{\"q\":\"1+1\",\"a\":\"2\"}\n{\"q\":\"2+2\",\"a\":\"4\"}\n");
        Files.writeString(tmp.resolve("mine.yaml"), "dataset: d.jsonl\nprompt: \"{{q}} =\"\ntarget: \"{{a}}\"\n"
                + "metrics: [{name: exact_match, aggregations: [mean, pass@2]}]\n");
        CliRun r = CliRun.of("eval", "run", "--model", "canonical", "--task-file", tmp.resolve("mine.yaml").toString(),
                "--repeats", "2", "--out", tmp.resolve("o").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| mine | exact_match | 1.0000 |", "| exact_match_pass@2 | 1.0000 |");
        assertThat(Files.readAllLines(tmp.resolve("o/samples_mine.jsonl"))).hasSize(4);
    }

    @Test
    void budgetSweepWritesTableJsonAndPlot() throws Exception {
        Path out = tmp.resolve("sweep");
        CliRun r = CliRun.of("eval", "budget-sweep", "--model", "canonical", "--task", "arithmetic", "--budgets", "0,32,64",
                "--limit", "5", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| max_thinking_tokens | exact_match |", "| 64 | 1.0000 |");
        assertThat(JSON.readTree(out.resolve("budget_sweep.json").toFile()).get("points")).hasSize(3);
        assertThat(Files.size(out.resolve("budget_sweep.png"))).isGreaterThan(1000);
        assertThat(out.resolve("budget_sweep.md")).exists();
    }

    @Test
    void evalPipelineStage() throws Exception {
        Path spec = Files.writeString(tmp.resolve("check.yaml"), """
                name: check
                out: runs/check
                stages:
                  - {name: selfcheck, type: eval, tasks: [arithmetic, gsm8k], limit: 5, canonical: true}
                """);
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path dir = tmp.resolve("runs/check/01-selfcheck");
        assertThat(dir.resolve("results.json")).exists();
        assertThat(Files.readAllLines(dir.resolve("samples_gsm8k.jsonl"))).hasSize(5);
        assertThat(r.out()).contains("\"arithmetic\" : 1.0", "\"gsm8k\" : 1.0");
        CliRun bad = CliRun.of("pipeline", "run", Files.writeString(tmp.resolve("bad.yaml"),
                "out: o\nstages:\n  - {type: eval, tasks: [], canonical: true}\n").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("tasks");
    }

    @Test
    void evalStageCountsRulerLengthsInTheInputModelsTokenizer() throws Exception {
        Path model = tmp.resolve("m");
        CliRun init = CliRun.of("init", "--config", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(),
                "--out", model.toString(), "--tokenizer", CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        Path spec = Files.writeString(tmp.resolve("ruler.yaml"), """
                name: ruler
                out: runs/ruler
                model: m
                stages:
                  - {name: long, type: eval, tasks: [ruler_niah_single_1], limit: 1, max_tokens: 4, ruler_length: 1024, concurrency: 1}
                """);
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path dir = tmp.resolve("runs/ruler/01-long");
        JsonNode dataset = JSON.readTree(dir.resolve("results.json").toFile()).get("tasks").get("ruler_niah_single_1")
                .get("config").get("dataset");
        assertThat(dataset.get("tokenizer").asText()).isEqualTo(model.toAbsolutePath().normalize().toString());
        assertThat(dataset.get("length").asInt()).isEqualTo(1024);
        JsonNode sample = JSON.readTree(Files.readAllLines(dir.resolve("samples_ruler_niah_single_1.jsonl")).getFirst());
        // the prompt is 1024 tokens less RULER's answer budget (128), within 2 % below, in the model's own
        // tokenizer (counted in words it would be ~1.5x longer)
        assertThat(sample.get("prompt_tokens").asInt()).isBetween(1003 - 128, 1024 - 128);
        CliRun bad = CliRun.of("pipeline", "run", Files.writeString(tmp.resolve("bad.yaml"),
                "out: o\nstages:\n  - {type: eval, tasks: [ruler_vt], ruler_length: 0, canonical: true}\n").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("ruler_length");
    }

    @Test
    void tasksListsBuiltinsAndExtensionPoints() throws Exception {
        CliRun r = CliRun.of("eval", "tasks");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("gsm8k", "gsm8k_cot", "arithmetic", "exact_match", "acc_norm", "regex", "jsonl",
                "humaneval_java", "ruler_niah_single_1", "ruler_fwe", "math_equiv", "code_exec", "string_match_all",
                "string_match_part", "humaneval", "ruler");
        JsonNode json = JSON.readTree(CliRun.of("eval", "tasks", "--json").out());
        assertThat(json.get("tasks").get(0).get("name").asText()).isEqualTo("gsm8k");
    }

    @Test
    void inProcessModelDirectory() throws Exception {
        Path model = tmp.resolve("m");
        CliRun init = CliRun.of("init", "--config", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(),
                "--out", model.toString(), "--tokenizer", CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        CliRun r = CliRun.of("eval", "run", "--model", model.toString(), "--tasks", "arithmetic", "--limit", "2",
                "--max-tokens", "8", "--out", tmp.resolve("o").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode t = JSON.readTree(r.out()).get("tasks").get("arithmetic");
        assertThat(t.get("docs").asInt()).isEqualTo(2);
        assertThat(t.get("tokens").get("completion").asDouble()).isEqualTo(8.0);
        assertThat(JSON.readTree(r.out()).get("model").asText()).isEqualTo("m");
    }

    @Test
    void inProcessModelWithQ8WeightsAndBf16Cache() throws Exception {
        Path model = tmp.resolve("mq");
        CliRun init = CliRun.of("init", "--config", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(),
                "--out", model.toString(), "--tokenizer", CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        CliRun r = CliRun.of("eval", "run", "--model", model.toString(), "--weights", "q8_0", "--kv-cache", "bf16",
                "--tasks", "arithmetic", "--limit", "2", "--max-tokens", "8", "--out", tmp.resolve("oq").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode t = JSON.readTree(r.out()).get("tasks").get("arithmetic");
        assertThat(t.get("docs").asInt()).isEqualTo(2);
        assertThat(t.get("tokens").get("completion").asDouble()).isEqualTo(8.0);
        CliRun bad = CliRun.of("eval", "run", "--model", model.toString(), "--kv-cache", "f8", "--tasks", "arithmetic",
                "--limit", "1", "--out", tmp.resolve("ob").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("error: --kv-cache must be 'f32' or 'bf16', got 'f8'");
        CliRun canonical = CliRun.of("eval", "run", "--model", "canonical", "--weights", "q8_0", "--tasks", "gsm8k");
        assertThat(canonical.exitCode()).isEqualTo(2);
        assertThat(canonical.err()).contains("--weights and --kv-cache need --model DIR").doesNotContain("\tat ");
        CliRun sweepHelp = CliRun.of("eval", "budget-sweep", "--help");
        assertThat(sweepHelp.out()).contains("--weights", "--kv-cache");
    }

    @Test
    void badInputIsOneLine() {
        CliRun both = CliRun.of("eval", "run", "--model", "canonical", "--endpoint", "http://x", "--tasks", "gsm8k");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("exactly one of --model DIR|canonical and --endpoint URL");
        CliRun unknown = CliRun.of("eval", "run", "--model", "canonical", "--tasks", "gsm9k");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().strip()).startsWith("error: unknown task 'gsm9k'");
        CliRun none = CliRun.of("eval", "run", "--model", "canonical");
        assertThat(none.err()).contains("no task: give --tasks");
        CliRun down = CliRun.of("eval", "run", "--endpoint", "http://127.0.0.1:1/v1", "--max-retries", "0", "--tasks", "gsm8k");
        assertThat(down.exitCode()).isEqualTo(2);
        assertThat(down.err()).contains("error: GET http://127.0.0.1:1/v1/models");
        CliRun noDir = CliRun.of("eval", "run", "--model", tmp.resolve("nope").toString(), "--tasks", "gsm8k");
        assertThat(noDir.err()).contains("not a model directory");
        CliRun sweep = CliRun.of("eval", "budget-sweep", "--model", "canonical", "--task", "gsm8k_cot", "--budgets", "0");
        assertThat(sweep.err()).contains("needs a generate_until task with a chat prompt");
        CliRun parent = CliRun.of("eval");
        assertThat(parent.exitCode()).isEqualTo(2);
        assertThat(parent.err()).contains("missing subcommand");
    }
}
