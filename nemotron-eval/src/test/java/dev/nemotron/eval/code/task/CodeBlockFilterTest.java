package dev.nemotron.eval.code.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.filter.AnswerFilter;
import dev.nemotron.eval.filter.AnswerFilters;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code code_block} filter: fenced code out of a chat model's Markdown answer. */
class CodeBlockFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static AnswerFilter filter(String json) throws Exception {
        return AnswerFilters.of(List.of(new CodeBlockFilterProvider()))
                .create(Fields.of(JSON.readTree(json), "t.yaml: filters[0]"));
    }

    @Test
    void labelledBlockWithProseAround() throws Exception {
        String answer = "Sure! Here is the function:\n\n```python\ndef f(x):\n    return x + 1\n```\n\nIt adds one.";
        assertThat(filter("{\"type\":\"code_block\",\"language\":\"python\"}").apply(answer))
                .isEqualTo("def f(x):\n    return x + 1\n");
        assertThat(filter("{\"type\":\"code_block\"}").apply(answer)).isEqualTo("def f(x):\n    return x + 1\n");
        assertThat(filter("{\"type\":\"code_block\",\"language\":\"Python\"}").apply("```py\nx = 1\n```"))
                .isEqualTo("x = 1\n");
    }

    @Test
    void unlabelledBlock() throws Exception {
        String answer = "Code:\n```\n        return a;\n    }\n}\n```\n";
        assertThat(filter("{\"type\":\"code_block\"}").apply(answer)).isEqualTo("        return a;\n    }\n}\n");
        // asked for java, no java block: the first block
        assertThat(filter("{\"type\":\"code_block\",\"language\":\"java\"}").apply(answer))
                .isEqualTo("        return a;\n    }\n}\n");
    }

    @Test
    void noBlockLeavesTheTextUnchanged() throws Exception {
        String completion = "    return sorted(l)\n";
        assertThat(filter("{\"type\":\"code_block\",\"language\":\"python\"}").apply(completion)).isEqualTo(completion);
        assertThat(filter("{\"type\":\"code_block\"}").apply("inline ```x``` is no block")).isEqualTo("inline ```x``` is no block");
    }

    @Test
    void severalBlocksTheFirstOfTheLanguageWins() throws Exception {
        String answer = "Run it with:\n```bash\npython3 f.py\n```\nThe code:\n```python\nprint(1)\n```\nor\n```python\nprint(2)\n```\n";
        assertThat(filter("{\"type\":\"code_block\",\"language\":\"python\"}").apply(answer)).isEqualTo("print(1)\n");
        assertThat(filter("{\"type\":\"code_block\"}").apply(answer)).isEqualTo("python3 f.py\n");
        // a longer fence holds a shorter one
        assertThat(filter("{\"type\":\"code_block\"}").apply("````md\n```\ninner\n```\n````\n")).isEqualTo("```\ninner\n```\n");
    }

    @Test
    void crlfLineEndsBecomeNewlines() throws Exception {
        String answer = "Here:\r\n```java\r\nint a = 1;\r\nint b = 2;\r\n```\r\nDone.\r\n";
        assertThat(filter("{\"type\":\"code_block\",\"language\":\"java\"}").apply(answer)).isEqualTo("int a = 1;\nint b = 2;\n");
    }

    @Test
    void anUnterminatedFenceRunsToTheEnd() throws Exception {
        assertThat(filter("{\"type\":\"code_block\"}").apply("Here:\n```python\ndef f():\n    return 1\n"))
                .isEqualTo("def f():\n    return 1\n");
        assertThat(filter("{\"type\":\"code_block\"}").apply("Here:\n```python\ndef f():\n    ret"))
                .isEqualTo("def f():\n    ret\n");
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertThatThrownBy(() -> filter("{\"type\":\"code_block\",\"lang\":\"python\"}"))
                .isInstanceOf(NemotronException.class).hasMessageContaining("unknown field 'lang'");
        assertThatThrownBy(() -> filter("{\"type\":\"code_block\",\"language\":\"python 3\"}"))
                .isInstanceOf(NemotronException.class)
                .hasMessage("t.yaml: filters[0].language must be one word such as python or java, got 'python 3'");
    }
}
