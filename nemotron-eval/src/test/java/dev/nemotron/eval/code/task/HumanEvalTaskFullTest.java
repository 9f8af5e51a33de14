package dev.nemotron.eval.code.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.eval.code.sandbox.Sandbox;
import dev.nemotron.eval.model.CanonicalEvalModel;
import dev.nemotron.eval.report.ReportWriter;
import dev.nemotron.eval.run.EvalPlugins;
import dev.nemotron.eval.run.EvalRunner;
import dev.nemotron.eval.run.RunListener;
import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.run.TaskResult;
import dev.nemotron.eval.task.BuiltinTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval run --model canonical --tasks humaneval,humaneval_java}: pass@1 = 1.0, 164/164 each,
 * with the usual reports. A few minutes on two cores: tagged {@code humaneval-full}, run with
 * {@code -Phumaneval-full}.
 */
@Tag("humaneval-full")
class HumanEvalTaskFullTest {
    @TempDir
    Path dir;

    @Test
    void canonicalScoresOneOnAllProblemsOfBothTasks() throws Exception {
        Sandbox sandbox = Sandbox.create();
        assumeTrue(sandbox.capabilities().available(), sandbox.capabilities().reason());
        RunOptions options = RunOptions.defaults().withConcurrency(4);
        CanonicalEvalModel model = new CanonicalEvalModel();
        List<TaskResult> results = new EvalRunner(model, dir, options, EvalPlugins.discover(), RunListener.NONE)
                .run(List.of(BuiltinTasks.load("humaneval"), BuiltinTasks.load("humaneval_java")));
        ReportWriter.write(dir, model.id(), options, results);
        for (TaskResult r : results) {
            System.out.println(r.task() + ": " + r.primaryMetric() + " = " + r.primary().value() + " over " + r.docs()
                    + " problems in " + r.seconds() + " s");
            assertThat(r.docs()).isEqualTo(164);
            assertThat(r.primary().value()).as(r.task()).isEqualTo(1.0);
        }
        assertThat(dir.resolve("results.json")).exists();
        assertThat(dir.resolve("report.md")).exists();
        assertThat(Files.readAllLines(dir.resolve("samples_humaneval_java.jsonl"))).hasSize(164);
    }
}
