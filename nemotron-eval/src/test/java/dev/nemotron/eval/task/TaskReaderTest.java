package dev.nemotron.eval.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task files: what they say, and one error line naming the field when they are wrong. */
class TaskReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private String error(String yaml) throws IOException {
        Path f = write("t.yaml", yaml);
        try {
            TaskReader.read(f);
        } catch (NemotronException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for:\n" + yaml);
    }

    @Test
    void readsEveryField() throws IOException {
        Path f = write("my-task.yaml", """
                dataset: data.jsonl
                prompt: {template: "Q: {{q}}\\nA:", chat: false, system: Be brief., target_delimiter: " ", fewshot_delimiter: "\\n\\n"}
                fewshot: {n: 2, seed: 7}
                target: "{{a}}"
                canonical: "The answer is {{a}}"
                generation: {max_tokens: 32, stop: ["\\n"], temperature: 0.6, top_p: 0.95, top_k: 20, seed: 5,
                             thinking: true, max_thinking_tokens: 64, thinking_grace_tokens: 8}
                filters: [{type: regex, pattern: "-?[0-9]+", select: last}, {type: strip}]
                metrics:
                  - {name: exact_match, ignore_case: true, aggregations: [mean, pass@2, avg@2]}
                repeats: 4
                """);
        TaskSpec t = TaskReader.read(f);
        assertThat(t.name()).isEqualTo("my-task");
        assertThat(t.output()).isEqualTo(OutputType.GENERATE_UNTIL);
        assertThat(t.dataset().string("type")).isEqualTo("jsonl");
        assertThat(t.prompt().template().fields()).containsExactly("q");
        assertThat(t.prompt().system()).isEqualTo("Be brief.");
        assertThat(t.fewshot().n()).isEqualTo(2);
        assertThat(t.fewshot().seed()).isEqualTo(7);
        assertThat(t.canonical().source()).isEqualTo("The answer is {{a}}");
        GenerationSpec g = t.generation();
        assertThat(g.maxTokens()).isEqualTo(32);
        assertThat(g.stop()).containsExactly("\n");
        assertThat(g.topK()).isEqualTo(20);
        assertThat(g.thinking()).isTrue();
        assertThat(g.maxThinkingTokens()).isEqualTo(64);
        assertThat(t.filters()).hasSize(2);
        assertThat(t.metrics().getFirst().aggregations()).containsExactly("mean", "pass@2", "avg@2");
        assertThat(t.metrics().getFirst().options().bool("ignore_case")).isTrue();
        assertThat(t.repeats()).isEqualTo(4);
    }

    @Test
    void jsonAndYamlReadTheSame() throws IOException {
        TaskSpec y = TaskReader.read(write("a.yaml", "name: a\ndataset: d.jsonl\nprompt: \"{{x}}\"\ntarget: \"{{y}}\"\n"));
        TaskSpec j = TaskReader.read(write("a.json", "{\"name\":\"a\",\"dataset\":\"d.jsonl\",\"prompt\":\"{{x}}\",\"target\":\"{{y}}\"}"));
        assertThat(j.config()).isEqualTo(y.config());
        assertThat(j.metrics().getFirst().name()).isEqualTo("exact_match");
    }

    @Test
    void errorsNameTheField() throws IOException {
        String ok = "dataset: d.jsonl\nprompt: \"{{q}}\"\ntarget: \"{{a}}\"\n";
        assertThat(error("prompt: \"{{q}}\"\ntarget: x\n")).contains("t.yaml").contains("missing field 'dataset'");
        assertThat(error(ok + "generation: {max_tokens: 0}\n")).contains("t.yaml: generation.max_tokens must be >= 1, got 0");
        assertThat(error(ok + "generation: {max_tokens: many}\n")).contains("generation.max_tokens must be an integer");
        assertThat(error(ok + "generation: {top_p: 2}\n")).contains("generation.top_p must be in (0, 1]");
        assertThat(error(ok + "generation: {temprature: 1}\n")).contains("generation: unknown field 'temprature'");
        assertThat(error(ok + "repeats: 0\n")).contains("t.yaml: repeats must be >= 1");
        assertThat(error(ok + "output: essay\n")).contains("t.yaml: output: unknown output type 'essay'");
        assertThat(error(ok + "promt: x\n")).contains("unknown field 'promt'");
        assertThat(error("dataset: d.jsonl\nprompt: \"{{q\"\ntarget: x\n")).contains("t.yaml: prompt: '{{' at offset 0 is never closed");
        assertThat(error("dataset: d.jsonl\nprompt: \"{{a b}}\"\ntarget: x\n")).contains("is not a field name");
        assertThat(error("dataset: d.jsonl\nprompt: x\n")).contains("missing field 'target'");
        assertThat(error(ok + "metrics: [{aggregations: [mean]}]\n")).contains("t.yaml: metrics[0]: missing field 'name'");
        assertThat(error(ok + "filters: [{pattern: x}]\n")).contains("t.yaml: filters[0]: missing field 'type'");
        assertThat(error(ok + "stop: x\n")).contains("unknown field 'stop'");
        assertThat(error("dataset: d.jsonl\nprompt: {template: x, chat: true}\ntarget: x\noutput: loglikelihood\n"))
                .contains("prompt.chat must be false");
        assertThat(error("dataset: d.jsonl\nprompt: x\noutput: multiple_choice\n")).contains("missing field 'choices'");
        assertThat(error("name: a b\n" + ok)).contains("name 'a b' must consist of");
        assertThat(error("dataset: [1\n")).contains("t.yaml: syntax error");
        assertThat(error("")).contains("t.yaml: the task file is empty");
        assertThatThrownBy(() -> TaskReader.read(dir.resolve("none.yaml"))).hasMessageContaining("no such task file");
        assertThatThrownBy(() -> TaskReader.read(write("t.txt", ok))).hasMessageContaining("must be a .yaml, .yml or .json file");
    }

    @Test
    void overridesReadTheTaskAgain() {
        TaskSpec t = BuiltinTasks.load("arithmetic");
        TaskSpec budget = t.with("generation.max_thinking_tokens", com.fasterxml.jackson.databind.node.IntNode.valueOf(16));
        assertThat(budget.generation().maxThinkingTokens()).isEqualTo(16);
        assertThat(budget.config().path("generation").path("max_thinking_tokens").asInt()).isEqualTo(16);
        assertThat(t.generation().maxThinkingTokens()).isNull();
        assertThatThrownBy(() -> t.with("generation.max_tokens", com.fasterxml.jackson.databind.node.IntNode.valueOf(-1)))
                .hasMessageContaining("builtin:arithmetic: generation.max_tokens must be >= 1");
    }

    @Test
    void builtinTasksLoad() {
        assertThat(BuiltinTasks.names()).contains("gsm8k", "gsm8k_cot", "arithmetic");
        for (String name : BuiltinTasks.names()) {
            TaskSpec t = BuiltinTasks.load(name);
            assertThat(t.name()).isEqualTo(name);
            assertThat(t.origin()).isEqualTo("builtin:" + name);
        }
        assertThatThrownBy(() -> BuiltinTasks.load("gsm9k")).hasMessageContaining("unknown task 'gsm9k'")
                .hasMessageContaining("gsm8k");
    }
}
