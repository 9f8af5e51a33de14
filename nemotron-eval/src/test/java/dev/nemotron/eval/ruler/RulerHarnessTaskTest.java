package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.data.TaskLocation;
import dev.nemotron.eval.metric.Metric;
import dev.nemotron.eval.metric.SampleView;
import dev.nemotron.eval.model.CanonicalEvalModel;
import dev.nemotron.eval.model.Completion;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.model.GenerateRequest;
import dev.nemotron.eval.run.EvalPlugins;
import dev.nemotron.eval.run.EvalRunner;
import dev.nemotron.eval.run.PreparedTask;
import dev.nemotron.eval.run.RunListener;
import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.run.TaskResult;
import dev.nemotron.eval.task.BuiltinTasks;
import dev.nemotron.eval.task.PromptBuilder;
import dev.nemotron.eval.task.TaskOverrides;
import dev.nemotron.eval.task.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RULER as harness tasks: the {@code ruler} data source, string_match_all / _part, the built-in {@code ruler_*} tasks. */
class RulerHarnessTaskTest {
    @TempDir
    Path dir;

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

    private TaskResult run(EvalModel model, TaskSpec task, int limit) {
        return new EvalRunner(model, dir.resolve(task.name() + "-" + model.id()), RunOptions.defaults().withLimit(limit),
                EvalPlugins.discover(), RunListener.NONE).run(task);
    }

    @Test
    void canonicalScoresOneOnNiahSingle1AndWrongAnswersZero() {
        TaskSpec task = BuiltinTasks.load("ruler_niah_single_1");
        TaskResult r = run(new CanonicalEvalModel(), task, 5);
        assertThat(r.docs()).isEqualTo(5);
        assertThat(r.primaryMetric()).isEqualTo("string_match_all");
        assertThat(r.primary().value()).isEqualTo(1.0);
        assertThat(run(new Answering(q -> " 0000000."), task, 5).primary().value()).isZero();
    }

    @Test
    void partialAnswersGetPartialCredit() {
        // niah_multivalue: four values per key; naming the first of them finds one in four
        TaskSpec task = BuiltinTasks.load("ruler_niah_multivalue");
        TaskResult r = run(new Answering(q -> q.reference().split(", ")[0]), task, 3);
        assertThat(r.primary().value()).isEqualTo(0.25);
    }

    @Test
    void lengthsAreCountedInTheGivenTokenizerAndNeedlesAreWhereTheSampleSays() {
        Path bpe = Fixtures.BPE_DIR;
        TaskSpec task = new TaskOverrides(null, null, null, null, null).withTokenLength(bpe.toString(), 2048)
                .apply(BuiltinTasks.load("ruler_niah_single_2"));
        PreparedTask prepared = PreparedTask.prepare(task, "m", 3, EvalPlugins.discover());
        TokenizerTokenCounter counter = Fixtures.bpeCounter();
        for (Doc d : prepared.docs()) {
            String prompt = PromptBuilder.build(task, d, List.of()).text();
            int tokens = counter.count(prompt);
            assertThat(tokens).isEqualTo(d.get("tokens").asInt());
            assertThat(tokens + d.get("max_new_tokens").asInt()).isBetween((int) Math.ceil(0.98 * 2048), 2048);
            assertThat(d.get("tokenizer").asText()).isEqualTo(bpe.toString());
            JsonNode needle = d.get("needles").get(0);
            assertThat(prompt.substring(needle.get("char_offset").asInt())).startsWith(needle.get("text").asText());
            assertThat(needle.get("text").asText()).contains(d.get("outputs").get(0).asText());
        }
    }

    @Test
    void withoutATokenizerLengthsAreWords() {
        TaskSpec task = BuiltinTasks.load("ruler_vt");
        Doc d = PreparedTask.prepare(task, "m", 1, EvalPlugins.discover()).docs().getFirst();
        int words = RulerSource.countWords(PromptBuilder.build(task, d, List.of()).text());
        assertThat(d.get("tokenizer").asText()).isEqualTo("words");
        assertThat(words).isEqualTo(d.get("tokens").asInt());
        assertThat(words + 30).isBetween((int) Math.ceil(0.98 * 4096), 4096);
    }

    @Test
    void badOptionsNameTheField() {
        RulerSource source = new RulerSource();
        TaskLocation here = TaskLocation.directory(dir);
        assertThatThrownBy(() -> source.load(fields(options().put("task", "qa_1").put("length", 4096)), here))
                .isInstanceOf(NemotronException.class).hasMessageStartingWith("t.yaml: dataset.task: RULER task 'qa_1' needs SQuAD");
        assertThatThrownBy(() -> source.load(fields(options().put("task", "vt").put("length", "lots")), here))
                .isInstanceOf(NemotronException.class)
                .hasMessage("t.yaml: dataset.length must be a number of tokens such as 4096 or \"4k\", got \"lots\"");
        assertThatThrownBy(() -> source.load(fields(options().put("task", "vt").put("length", 32)), here))
                .isInstanceOf(NemotronException.class).hasMessage("t.yaml: dataset.length must be at least 64, got 32");
        assertThatThrownBy(() -> source.load(fields(options().put("task", "vt").put("length", 4096).put("tokenizer", "nope")), here))
                .isInstanceOf(RuntimeException.class).hasMessageContaining("nope");
    }

    @Test
    void stringMatchPartNeedsOneAnswerAndAllNeedsEvery() {
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.putArray("outputs").add("Paris").add("Lyon");
        Doc doc = new Doc(0, f, "d:1");
        Fields none = Fields.of(null, "t.yaml: metrics[0]");
        Metric part = new RulerMatchMetricProvider.Part().create(none);
        Metric all = new RulerMatchMetricProvider.All().create(none);
        SampleView paris = SampleView.generated("t", doc, 0, "", " it is paris.", null);
        assertThat(part.score(paris)).isEqualTo(1.0);
        assertThat(all.score(paris)).isEqualTo(0.5);
        Doc bare = new Doc(0, JsonNodeFactory.instance.objectNode(), "d:2");
        assertThatThrownBy(() -> all.score(SampleView.generated("t", bare, 0, "", "x", null)))
                .isInstanceOf(NemotronException.class).hasMessageStartingWith("d:2: string_match_all needs a non-empty list field 'outputs'");
    }

    private static ObjectNode options() {
        return JsonNodeFactory.instance.objectNode().put("type", "ruler");
    }

    private static Fields fields(ObjectNode o) {
        return Fields.of(o, "t.yaml: dataset");
    }
}
