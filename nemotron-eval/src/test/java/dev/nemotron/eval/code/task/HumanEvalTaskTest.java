package dev.nemotron.eval.code.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.code.humaneval.CodeTaskChecker;
import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.code.sandbox.Sandbox;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.data.TaskLocation;
import dev.nemotron.eval.model.CanonicalEvalModel;
import dev.nemotron.eval.model.Completion;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.model.GenerateRequest;
import dev.nemotron.eval.run.EvalPlugins;
import dev.nemotron.eval.run.EvalRunner;
import dev.nemotron.eval.run.RunListener;
import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.run.TaskResult;
import dev.nemotron.eval.task.BuiltinTasks;
import dev.nemotron.eval.task.TaskOverrides;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in tasks {@code humaneval} and {@code humaneval_java} through the harness: data source
 * {@code humaneval}, metric {@code code_exec}, aggregation {@code pass@all}. All 164 + 164 run in
 * {@link HumanEvalTaskFullTest} (profile {@code humaneval-full}).
 */
class HumanEvalTaskTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void sandboxHere() {
        Sandbox sandbox = Sandbox.create();
        assumeTrue(sandbox.capabilities().available(), sandbox.capabilities().reason());
        CodeTaskChecker checker = new CodeTaskChecker(sandbox);
        for (CodeLanguage l : CodeLanguage.values()) {
            assumeTrue(checker.availability(l).available(), checker.availability(l).reason());
        }
    }

    /** Answers every prompt with {@code answer.apply(request)}. */
    record Answering(Function<GenerateRequest, String> answer) implements EvalModel {
        @Override
        public String id() {
            return "answering";
        }

        @Override
        public Completion generate(GenerateRequest request) {
            return new Completion(answer.apply(request), null, 0, 0, 0, "stop");
        }
    }

    private TaskResult run(EvalModel model, String task, int limit, TaskOverrides overrides) {
        return new EvalRunner(model, dir.resolve(task), RunOptions.defaults().withConcurrency(4).withLimit(limit),
                EvalPlugins.discover(), RunListener.NONE).run(overrides.apply(BuiltinTasks.load(task)));
    }

    @Test
    void canonicalSolutionsPassTheFirstTenOfEachLanguage() {
        for (String task : List.of("humaneval", "humaneval_java")) {
            TaskResult r = run(new CanonicalEvalModel(), task, 10, TaskOverrides.none());
            assertThat(r.docs()).as(task).isEqualTo(10);
            assertThat(r.primaryMetric()).as(task).isEqualTo("code_exec_pass@1");
            assertThat(r.primary().value()).as(task).isEqualTo(1.0);
            assertThat(r.metrics()).as(task).containsOnlyKeys("code_exec_pass@1");
        }
    }

    @Test
    void wrongSolutionsFail() {
        TaskResult py = run(new Answering(r -> "    return None\n"), "humaneval", 3, TaskOverrides.none());
        assertThat(py.primary().value()).isZero();
        // compiles whatever the method returns, fails when the tests call it
        TaskResult java = run(new Answering(r -> "        throw new IllegalStateException(\"wrong\");\n    }\n}\n"),
                "humaneval_java", 3, TaskOverrides.none());
        assertThat(java.primary().value()).isZero();
        TaskResult missingReturn = run(new Answering(r -> "    }\n}\n"), "humaneval_java", 1, TaskOverrides.none());
        assertThat(missingReturn.primary().value()).isZero();
    }

    @Test
    void eachSampleRecordsWhyItFailed() throws Exception {
        run(new Answering(r -> "    return None\n"), "humaneval", 1, TaskOverrides.none());
        com.fasterxml.jackson.databind.JsonNode wrong = sample(dir.resolve("humaneval"), "humaneval");
        assertThat(wrong.get("scores").get("code_exec").asDouble()).isZero();
        assertThat(wrong.get("details").get("code_exec").asText()).startsWith("failed: exit code 1").contains("AssertionError");

        run(new CanonicalEvalModel(), "humaneval", 1, TaskOverrides.none());
        assertThat(sample(dir.resolve("humaneval"), "humaneval").get("details").get("code_exec").asText()).isEqualTo("passed");

        // an endless loop under a 2 s wall clock (the Python default is 10 s)
        CodeTaskChecker quick = new CodeTaskChecker(Map.of(CodeLanguage.PYTHON, new dev.nemotron.eval.code.lang.PythonRunner(
                Sandbox.create(), dev.nemotron.eval.code.sandbox.ResourceLimits.defaults()
                .withWallTime(java.time.Duration.ofSeconds(2)))));
        EvalPlugins plugins = new EvalPlugins(dev.nemotron.eval.data.DocSources.of(List.of(new HumanEvalSource())),
                dev.nemotron.eval.filter.AnswerFilters.of(List.of()),
                dev.nemotron.eval.metric.MetricRegistry.of(List.of(new CodeExecMetricProvider(() -> quick))));
        Path out = dir.resolve("loop");
        new EvalRunner(new Answering(r -> "    while True:\n        pass\n"), out, RunOptions.defaults().withLimit(1), plugins,
                RunListener.NONE).run(BuiltinTasks.load("humaneval"));
        com.fasterxml.jackson.databind.JsonNode loop = sample(out, "humaneval");
        assertThat(loop.get("scores").get("code_exec").asDouble()).isZero();
        assertThat(loop.get("details").get("code_exec").asText()).startsWith("timeout: ").contains("2 s");
    }

    /** The last record of a samples file. */
    private static com.fasterxml.jackson.databind.JsonNode sample(Path out, String task) throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(out.resolve("samples_" + task + ".jsonl"));
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.getLast());
    }

    @Test
    void repeatsReportPassAtEveryKWithTheUnbiasedEstimator() {
        // per problem, the first of three answers is right and the others wrong: n = 3, c = 1
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        EvalModel onceRight = new Answering(r -> calls.computeIfAbsent(r.prompt().text(), k -> new AtomicInteger())
                .getAndIncrement() == 0 ? r.reference() : "    return None\n");
        TaskResult r = run(onceRight, "humaneval", 2, new TaskOverrides(3, null, null, null, null));
        assertThat(r.repeats()).isEqualTo(3);
        assertThat(r.metrics()).containsOnlyKeys("code_exec_pass@1", "code_exec_pass@2", "code_exec_pass@3");
        assertThat(r.metrics().get("code_exec_pass@1").value()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
        // 1 - C(2,2)/C(3,2) = 1 - 1/3
        assertThat(r.metrics().get("code_exec_pass@2").value()).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.metrics().get("code_exec_pass@3").value()).isEqualTo(1.0);
    }

    @Test
    void aChatTaskWithTheCodeBlockFilterScoresAFencedAnswerWithProse() throws Exception {
        // the canonical-like answer repeats the whole function (signature and docstring) inside a
        // fenced block with prose around it, as chat models answer
        Path task = java.nio.file.Files.writeString(dir.resolve("humaneval_chat.yaml"), """
                dataset: {type: humaneval, language: python}
                prompt:
                  chat: true
                  template: "Complete this Python function:\\n{{prompt}}"
                target: "{{canonical_solution}}"
                canonical: "Here is the solution.\\n\\n```python\\n{{prompt}}{{canonical_solution}}```\\n\\nIt passes the tests."
                filters: [{type: code_block, language: python}]
                metrics: [{name: code_exec, aggregations: [pass@all]}]
                """);
        TaskResult r = new EvalRunner(new CanonicalEvalModel(), dir.resolve("chat"), RunOptions.defaults().withConcurrency(2)
                .withLimit(3), EvalPlugins.discover(), RunListener.NONE)
                .run(dev.nemotron.eval.task.TaskCatalog.resolve(List.of(), List.of(task), Path::of, TaskOverrides.none()))
                .getFirst();
        assertThat(r.primary().value()).isEqualTo(1.0);
        // without the filter the same answer is not a program
        TaskResult unfiltered = run(new Answering(q -> "Here is the solution.\n\n```python\n" + q.reference() + "```\n"),
                "humaneval", 1, TaskOverrides.none());
        assertThat(unfiltered.primary().value()).isZero();
    }

    @Test
    void badOptionsAreOneLineErrorsNamingTheField() {
        HumanEvalSource source = new HumanEvalSource();
        TaskLocation here = TaskLocation.directory(dir);
        assertThatThrownBy(() -> source.load(Fields.of(JsonNodeFactory.instance.objectNode().put("type", "humaneval")
                .put("language", "cobol"), "t.yaml: dataset"), here))
                .isInstanceOf(NemotronException.class).hasMessage("t.yaml: dataset.language: unknown code language 'cobol'"
                        + " (expected python or java)");
        assertThatThrownBy(() -> new CodeExecMetricProvider().create(Fields.of(JsonNodeFactory.instance.objectNode()
                .put("timeout", 3), "t.yaml: metrics[0]")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("unknown field 'timeout'");
        Doc noTests = new Doc(0, JsonNodeFactory.instance.objectNode().put("task_id", "X/0").put("language", "python")
                .put("prompt", "def f():\n").put("canonical_solution", "    return 1\n").put("entry_point", "f"), "x.jsonl:1");
        assertThatThrownBy(() -> CodeDocs.problem(noTests, null)).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith("x.jsonl:1: code problem X/0 has no 'test'");
    }

    @Test
    void theSourceGivesTheBundledProblemsWithTheirFields() {
        List<Doc> java = new HumanEvalSource().load(Fields.of(JsonNodeFactory.instance.objectNode().put("type", "humaneval")
                .put("language", "java"), "t.yaml: dataset"), TaskLocation.directory(dir));
        assertThat(java).hasSize(164);
        assertThat(java.getFirst().get("task_id").asText()).isEqualTo("Java/0");
        assertThat(java.getFirst().get("language").asText()).isEqualTo("java");
        assertThat(java.get(163).where()).isEqualTo("humaneval_java.jsonl.gz:164 (Java/163)");
    }
}
