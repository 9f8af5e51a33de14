package dev.nemotron.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.eval.model.CanonicalEvalModel;
import dev.nemotron.eval.model.Completion;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.model.GenerateRequest;
import dev.nemotron.eval.run.BudgetSweep;
import dev.nemotron.eval.run.EvalPlugins;
import dev.nemotron.eval.run.EvalRunner;
import dev.nemotron.eval.run.RunListener;
import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.run.TaskResult;
import dev.nemotron.eval.task.BuiltinTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.json, report.md and the PNGs of a run and of a budget sweep. */
class ReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    static void assertPng(Path png) throws Exception {
        byte[] b = Files.readAllBytes(png);
        assertThat(b.length).isGreaterThan(1000);
        assertThat(new String(b, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void runReports() throws Exception {
        RunOptions options = RunOptions.defaults().withLimit(50);
        EvalRunner runner = new EvalRunner(new CanonicalEvalModel(), out, options, EvalPlugins.discover(), RunListener.NONE);
        List<TaskResult> results = runner.run(List.of(BuiltinTasks.load("gsm8k"), BuiltinTasks.load("arithmetic")));
        ReportWriter.Written w = ReportWriter.write(out, "canonical", options, results);

        JsonNode json = JSON.readTree(w.results().toFile());
        assertThat(json.get("model").asText()).isEqualTo("canonical");
        JsonNode gsm = json.get("tasks").get("gsm8k");
        assertThat(gsm.get("metrics").get("exact_match").get("value").asDouble()).isEqualTo(1.0);
        assertThat(gsm.get("metrics").get("exact_match").get("stderr").asDouble()).isZero();
        assertThat(gsm.get("docs").asInt()).isEqualTo(50);
        assertThat(gsm.get("samples_file").asText()).isEqualTo("samples_gsm8k.jsonl");
        assertThat(gsm.get("config").get("name").asText()).isEqualTo("gsm8k");
        assertThat(json.get("options").get("limit").asInt()).isEqualTo(50);

        String md = Files.readString(w.report());
        assertThat(md).contains("| gsm8k | math_equiv | 1.0000 | 0.0000 | 50 |", "|  | exact_match | 1.0000 | 0.0000 |",
                "| arithmetic | exact_match |",
                "![primary metric per task](accuracy.png)");
        assertPng(w.chart());
    }

    @Test
    void budgetSweepReports() throws Exception {
        // reasons for as long as the budget allows: right from 4 reasoning tokens on
        EvalModel budgeted = new EvalModel() {
            @Override
            public String id() {
                return "budgeted";
            }

            @Override
            public Completion generate(GenerateRequest r) {
                int budget = r.maxThinkingTokens().orElseThrow();
                assertThat(r.thinking()).isTrue();
                return new Completion(budget >= 4 ? r.reference() : "0", "x".repeat(budget), 10, budget + 2, budget, "stop");
            }
        };
        RunOptions options = RunOptions.defaults().withLimit(8);
        List<BudgetSweep.Point> points = BudgetSweep.run(budgeted, BuiltinTasks.load("arithmetic"), List.of(0, 2, 4, 8), out,
                options, EvalPlugins.discover(), RunListener.NONE);
        assertThat(points).extracting(p -> p.result().primary().value()).containsExactly(0.0, 0.0, 1.0, 1.0);
        assertThat(points.get(3).result().tokens().reasoning()).isEqualTo(8.0);
        assertThat(Files.exists(BudgetSweep.budgetDir(out, 4).resolve("samples_arithmetic.jsonl"))).isTrue();

        Path json = SweepReport.write(out, "budgeted", "arithmetic", points);
        JsonNode doc = JSON.readTree(json.toFile());
        assertThat(doc.get("points")).hasSize(4);
        assertThat(doc.get("points").get(2).get("max_thinking_tokens").asInt()).isEqualTo(4);
        assertThat(doc.get("points").get(2).get("value").asDouble()).isEqualTo(1.0);
        assertThat(Files.readString(out.resolve(SweepReport.MD_FILE))).contains("| 4 | 1.0000 |");
        assertPng(out.resolve(SweepReport.PNG_FILE));

        assertThatThrownBy(() -> BudgetSweep.run(budgeted, BuiltinTasks.load("gsm8k_cot"), List.of(0), out, options,
                EvalPlugins.discover(), RunListener.NONE)).hasMessageContaining("needs a generate_until task with a chat prompt");
        assertThatThrownBy(() -> BudgetSweep.run(budgeted, BuiltinTasks.load("arithmetic"), List.of(4, 4), out, options,
                EvalPlugins.discover(), RunListener.NONE)).hasMessageContaining("distinct");
    }
}
