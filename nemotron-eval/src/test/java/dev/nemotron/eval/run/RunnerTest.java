package dev.nemotron.eval.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.model.CanonicalEvalModel;
import dev.nemotron.eval.model.Completion;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.model.GenerateRequest;
import dev.nemotron.eval.task.BuiltinTasks;
import dev.nemotron.eval.task.TaskReader;
import dev.nemotron.eval.task.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner: canonical self-check, resume after a crash, repeats and pass@k, concurrency. */
class RunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Answers with the reference until {@code failAfter} answers were given, then fails. */
    static class FlakyModel implements EvalModel {
        final AtomicInteger calls = new AtomicInteger();
        final int failAfter;

        FlakyModel(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public String id() {
            return "flaky";
        }

        @Override
        public Completion generate(GenerateRequest request) {
            if (calls.incrementAndGet() > failAfter) {
                throw new NemotronException("model crashed");
            }
            return new Completion(request.reference(), null, 3, 2, 0, "stop");
        }
    }

    private EvalRunner runner(EvalModel model, Path out, int concurrency) {
        return new EvalRunner(model, out, RunOptions.defaults().withConcurrency(concurrency), EvalPlugins.discover(),
                RunListener.NONE);
    }

    static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    @Test
    void canonicalScoresOneOnEveryBuiltinTask() {
        for (String name : BuiltinTasks.names()) {
            // the code tasks run programs (HumanEvalTaskTest, and all 164 + 164 with -Phumaneval-full)
            int limit = name.startsWith("humaneval") ? 3 : 0;
            TaskResult r = new EvalRunner(new CanonicalEvalModel(), dir.resolve(name),
                    RunOptions.defaults().withConcurrency(4).withLimit(limit), EvalPlugins.discover(), RunListener.NONE)
                    .run(BuiltinTasks.load(name));
            assertThat(r.primary().value()).as(name).isEqualTo(1.0);
            assertThat(r.primary().stderr()).as(name).isZero();
            assertThat(r.samplesRun()).isEqualTo(r.docs());
        }
    }

    @Test
    void crashLosesNoFinishedSampleAndRerunCompletes() throws IOException {
        TaskSpec task = BuiltinTasks.load("arithmetic");
        Path out = dir.resolve("out");
        RunOptions options = RunOptions.defaults().withConcurrency(1).withLimit(30);
        assertThatThrownBy(() -> new EvalRunner(new FlakyModel(12), out, options, EvalPlugins.discover(), RunListener.NONE).run(task))
                .isInstanceOf(NemotronException.class).hasMessageContaining("arithmetic: arithmetic.jsonl:13 (doc 12, repeat 0)")
                .hasMessageContaining("model crashed").hasMessageContaining("run again to resume");
        Path samples = EvalRunner.samplesFile(out, "arithmetic");
        assertThat(lines(samples)).hasSize(12);

        // a crash in the middle of a line leaves half a record: it is dropped on the next open
        Files.writeString(samples, "{\"task\":\"arithmetic\",\"doc\":", java.nio.file.StandardOpenOption.APPEND);

        FlakyModel healthy = new FlakyModel(Integer.MAX_VALUE);
        TaskResult r = new EvalRunner(healthy, out, options, EvalPlugins.discover(), RunListener.NONE).run(task);
        assertThat(healthy.calls.get()).isEqualTo(18);
        assertThat(r.resumed()).isEqualTo(12);
        assertThat(r.samplesRun()).isEqualTo(18);
        assertThat(r.primary().value()).isEqualTo(1.0);
        List<JsonNode> all = lines(samples);
        assertThat(all).hasSize(30);
        Set<Integer> docs = new HashSet<>();
        all.forEach(n -> docs.add(n.get("doc").asInt()));
        assertThat(docs).hasSize(30);

        // a third run does nothing but aggregate
        FlakyModel idle = new FlakyModel(0);
        TaskResult again = new EvalRunner(idle, out, options, EvalPlugins.discover(), RunListener.NONE).run(task);
        assertThat(again.resumed()).isEqualTo(30);
        assertThat(again.metrics()).isEqualTo(r.metrics());
        assertThat(lines(samples)).hasSize(30);

        // another config (here: another model) is not reused
        assertThatThrownBy(() -> new EvalRunner(new FlakyModel(0) {
            @Override
            public String id() {
                return "other";
            }
        }, out, options, EvalPlugins.discover(), RunListener.NONE).run(task)).hasMessageContaining("model crashed");
    }

    @Test
    void recordHoldsPromptAnswerAndScores() throws IOException {
        new EvalRunner(new CanonicalEvalModel(), dir, RunOptions.defaults().withLimit(5), EvalPlugins.discover(),
                RunListener.NONE).run(BuiltinTasks.load("gsm8k"));
        JsonNode first = lines(EvalRunner.samplesFile(dir, "gsm8k")).stream().filter(n -> n.get("doc").asInt() == 0).findFirst()
                .orElseThrow();
        assertThat(first.get("prompt").get(0).get("role").asText()).isEqualTo("user");
        assertThat(first.get("prompt").get(0).get("content").asText()).startsWith("Janet");
        assertThat(first.get("prediction").asText()).isEqualTo("18");
        assertThat(first.get("scores").get("exact_match").asDouble()).isEqualTo(1.0);
        assertThat(first.get("digest").asText()).hasSize(16);
    }

    @Test
    void repeatsGiveAvgAndPassAtK() throws IOException {
        Files.writeString(dir.resolve("d.jsonl"), "{\"q\":\"a\",\"a\":\"1\"}\n{\"q\":\"b\",\"a\":\"2\"}\n");
        Files.writeString(dir.resolve("t.yaml"), """
                dataset: d.jsonl
                prompt: "{{q}}"
                target: "{{a}}"
                generation: {temperature: 1, seed: 10}
                metrics: [{name: exact_match, aggregations: [mean, avg@2, pass@1, pass@4]}]
                repeats: 4
                """);
        // doc 0 is answered right on repeats 0 and 2 (seed 10 and 12), doc 1 never
        EvalModel halfRight = new EvalModel() {
            @Override
            public String id() {
                return "half";
            }

            @Override
            public Completion generate(GenerateRequest r) {
                boolean right = r.reference().equals("1") && r.sampling().seed().getAsLong() % 2 == 0;
                return new Completion(right ? r.reference() : "wrong", null, 0, 0, 0, "stop");
            }
        };
        TaskResult r = runner(halfRight, dir.resolve("out"), 3).run(TaskReader.read(dir.resolve("t.yaml")));
        assertThat(r.metrics().keySet()).containsExactly("exact_match", "exact_match_avg@2", "exact_match_pass@1",
                "exact_match_pass@4");
        assertThat(r.metrics().get("exact_match").value()).isEqualTo(0.25);
        assertThat(r.metrics().get("exact_match_avg@2").value()).isEqualTo(0.25);
        assertThat(r.metrics().get("exact_match_pass@1").value()).isEqualTo(0.25);
        assertThat(r.metrics().get("exact_match_pass@4").value()).isEqualTo(0.5);
        assertThat(lines(EvalRunner.samplesFile(dir.resolve("out"), "t"))).hasSize(8);
    }

    @Test
    void multipleChoiceAndLoglikelihoodTasksWithTheCanonicalModel() throws IOException {
        Files.writeString(dir.resolve("mc.jsonl"), """
                {"q":"Capital of France?","options":["Lyon","Paris","Nice"],"label":1}
                {"q":"2+2?","options":["4","5"],"label":"4"}
                """);
        Files.writeString(dir.resolve("mc.yaml"), """
                dataset: mc.jsonl
                output: multiple_choice
                prompt: "Question: {{q}}\\nAnswer:"
                choices: options
                gold: "{{label}}"
                """);
        TaskResult mc = runner(new CanonicalEvalModel(), dir.resolve("out"), 2).run(TaskReader.read(dir.resolve("mc.yaml")));
        assertThat(mc.metrics().keySet()).containsExactly("acc", "acc_norm");
        assertThat(mc.primary().value()).isEqualTo(1.0);
        JsonNode rec = lines(EvalRunner.samplesFile(dir.resolve("out"), "mc")).getFirst();
        assertThat(rec.get("choices")).isNotEmpty();
        assertThat(rec.get("chosen").asInt()).isEqualTo(rec.get("gold").asInt());

        Files.writeString(dir.resolve("ll.yaml"), """
                dataset: mc.jsonl
                output: loglikelihood
                prompt: "{{q}}"
                target: "{{options.0}}"
                """);
        TaskResult ll = runner(new CanonicalEvalModel(), dir.resolve("out"), 2).run(TaskReader.read(dir.resolve("ll.yaml")));
        assertThat(ll.metrics().get("acc").value()).isEqualTo(1.0);
        assertThat(ll.metrics().get("loglikelihood").value()).isEqualTo(0.0);

        // a model without log-likelihoods is refused up front
        assertThatThrownBy(() -> runner(new FlakyModel(0), dir.resolve("x"), 1).run(TaskReader.read(dir.resolve("mc.yaml"))))
                .hasMessageContaining("needs log-likelihoods");
    }

    @Test
    void unresolvedPartsNameTheirField() throws IOException {
        Files.writeString(dir.resolve("d.jsonl"), "{\"q\":\"a\",\"a\":\"1\"}\n");
        String base = "dataset: d.jsonl\nprompt: \"{{q}}\"\ntarget: \"{{a}}\"\n";
        Files.writeString(dir.resolve("a.yaml"), base + "metrics: [exact_matc]\n");
        assertThatThrownBy(() -> runner(new CanonicalEvalModel(), dir, 1).run(TaskReader.read(dir.resolve("a.yaml"))))
                .hasMessageContaining("a.yaml: metrics[0]: unknown metric 'exact_matc'");
        Files.writeString(dir.resolve("b.yaml"), base + "metrics: [acc]\n");
        assertThatThrownBy(() -> runner(new CanonicalEvalModel(), dir, 1).run(TaskReader.read(dir.resolve("b.yaml"))))
                .hasMessageContaining("b.yaml: metrics[0]: metric 'acc' does not score generate_until tasks");
        Files.writeString(dir.resolve("c.yaml"), base + "metrics: [{name: exact_match, aggregations: [pass@4]}]\n");
        assertThatThrownBy(() -> runner(new CanonicalEvalModel(), dir, 1).run(TaskReader.read(dir.resolve("c.yaml"))))
                .hasMessageContaining("c.yaml: metrics[0].aggregations: pass@4 needs at least 4 repeats");
        Files.writeString(dir.resolve("e.yaml"), base.replace("d.jsonl", "{type: ruler_niah}"));
        assertThatThrownBy(() -> runner(new CanonicalEvalModel(), dir, 1).run(TaskReader.read(dir.resolve("e.yaml"))))
                .hasMessageContaining("e.yaml: dataset.type: unknown data source type 'ruler_niah'");
        Files.writeString(dir.resolve("f.yaml"), base.replace("d.jsonl", "missing.jsonl"));
        assertThatThrownBy(() -> runner(new CanonicalEvalModel(), dir, 1).run(TaskReader.read(dir.resolve("f.yaml"))))
                .hasMessageContaining("missing.jsonl: no such file");
        Files.writeString(dir.resolve("g.yaml"), base.replace("{{q}}", "{{question}}"));
        assertThatThrownBy(() -> runner(new CanonicalEvalModel(), dir, 1).run(TaskReader.read(dir.resolve("g.yaml"))))
                .hasMessageContaining("g.yaml: prompt: d.jsonl:1 has no field 'question'");
        Files.writeString(dir.resolve("bad.jsonl"), "{\"q\":1}\nnot json\n");
        Files.writeString(dir.resolve("h.yaml"), base.replace("d.jsonl", "bad.jsonl"));
        assertThatThrownBy(() -> runner(new CanonicalEvalModel(), dir, 1).run(TaskReader.read(dir.resolve("h.yaml"))))
                .hasMessageContaining("bad.jsonl:2: not valid JSON");
    }
}
