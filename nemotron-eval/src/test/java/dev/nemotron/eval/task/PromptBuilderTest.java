package dev.nemotron.eval.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.data.TaskLocation;
import dev.nemotron.eval.model.Prompt;
import dev.nemotron.text.chat.ChatRole;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Templates, few-shot selection and the rendered prompt, plain and chat. */
class PromptBuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Doc doc(int i, String json) throws Exception {
        return new Doc(i, (ObjectNode) JSON.readTree(json), "d.jsonl:" + (i + 1));
    }

    static TaskSpec task(String yaml) {
        return TaskReader.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), true, "t.yaml",
                TaskLocation.directory(Path.of(".")), "t");
    }

    @Test
    void templateFillsNestedFieldsAndNamesMissingOnes() throws Exception {
        Template t = Template.parse("{{ q }} / {{meta.n}} / {{xs.1}} / {{obj}}", "t.yaml: prompt");
        Doc d = doc(0, "{\"q\":\"why\",\"meta\":{\"n\":3},\"xs\":[\"a\",\"b\"],\"obj\":{\"k\":true}}");
        assertThat(t.render(d)).isEqualTo("why / 3 / b / {\"k\":true}");
        assertThat(t.fields()).containsExactly("q", "meta.n", "xs.1", "obj");
        assertThatThrownBy(() -> Template.parse("{{nope}}", "t.yaml: prompt").render(d))
                .hasMessage("t.yaml: prompt: d.jsonl:1 has no field 'nope'");
    }

    @Test
    void plainTextFewShot() throws Exception {
        TaskSpec t = task("""
                dataset: d.jsonl
                prompt: {template: "Q: {{q}}\\nA:", system: "Answer."}
                target: "{{a}}"
                """);
        List<Doc> shots = List.of(doc(1, "{\"q\":\"1+1\",\"a\":\"2\"}"), doc(2, "{\"q\":\"2+2\",\"a\":\"4\"}"));
        Prompt p = PromptBuilder.build(t, doc(0, "{\"q\":\"3+3\",\"a\":\"6\"}"), shots);
        assertThat(p.isChat()).isFalse();
        assertThat(p.text()).isEqualTo("Answer.\n\nQ: 1+1\nA: 2\n\nQ: 2+2\nA: 4\n\nQ: 3+3\nA:");
    }

    @Test
    void chatFewShotBecomesTurns() throws Exception {
        TaskSpec t = task("""
                dataset: d.jsonl
                prompt: {template: "{{q}}", chat: true, system: "/think"}
                target: "{{a}}"
                fewshot: {n: 1, target: "The answer is {{a}}."}
                """);
        Prompt p = PromptBuilder.build(t, doc(0, "{\"q\":\"3+3\",\"a\":\"6\"}"), List.of(doc(1, "{\"q\":\"1+1\",\"a\":\"2\"}")));
        assertThat(p.messages()).extracting(m -> m.role()).containsExactly(ChatRole.SYSTEM, ChatRole.USER, ChatRole.ASSISTANT,
                ChatRole.USER);
        assertThat(p.messages()).extracting(m -> m.content()).containsExactly("/think", "1+1", "The answer is 2.", "3+3");
    }

    @Test
    void fewShotIsSeededPerProblemAndNeverTheProblemItself() throws Exception {
        List<Doc> pool = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pool.add(doc(i, "{\"q\":\"" + i + "\"}"));
        }
        FewShotSampler s = new FewShotSampler(pool, 5, 42, true);
        for (Doc d : pool) {
            List<Doc> ex = s.examples(d);
            assertThat(ex).hasSize(5).doesNotContain(d).doesNotHaveDuplicates();
            assertThat(new FewShotSampler(pool, 5, 42, true).examples(d)).isEqualTo(ex);
        }
        assertThat(s.examples(pool.get(0))).isNotEqualTo(new FewShotSampler(pool, 5, 43, true).examples(pool.get(0)));
        assertThat(new FewShotSampler(pool, 19, 1, true).examples(pool.get(3))).hasSize(19).doesNotContain(pool.get(3));
        assertThatThrownBy(() -> new FewShotSampler(pool, 20, 1, true)).hasMessageContaining("only 19");
    }

    @Test
    void gsm8kCotPromptHasEightWorkedExamples() {
        TaskSpec t = BuiltinTasks.load("gsm8k_cot");
        var docs = dev.nemotron.eval.data.JsonlReader.read(t.location(), "gsm8k_test.jsonl");
        List<Doc> shots = new FewShotSampler(docs, 8, t.fewshot().seed(), true).examples(docs.get(0));
        String text = PromptBuilder.build(t, docs.get(0), shots).text();
        assertThat(text.split("Question: ", -1)).hasSize(10);
        assertThat(text.split("#### ", -1)).hasSize(9);
        assertThat(text).endsWith(docs.get(0).fields().get("question").textValue() + "\nAnswer:");
    }
}
