package dev.nemotron.text.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Qwen3 chat template (tokenizer_config.json of Qwen/Qwen3-0.6B) rendered by our Jinja
 * interpreter. Each expected string was derived by reading the template by hand; the comments
 * say which branches produce it.
 */
class JinjaChatTemplateQwen3Test {
    private static JinjaChatTemplate qwen3;

    @BeforeAll
    static void load() throws URISyntaxException {
        Path config = dev.nemotron.testing.Fixtures.dir("qwen3-tokenizer/tokenizer_config.json");
        qwen3 = JinjaChatTemplate.fromTokenizerConfig(config);
    }

    @Test
    void systemAndUserWithGenerationPrompt() {
        // No tools: the first system message becomes its own im_start block; the user turn follows;
        // add_generation_prompt opens the assistant turn; enable_thinking undefined adds nothing.
        RenderedPrompt p = qwen3.render(List.of(ChatMessage.system("You are helpful."), ChatMessage.user("Hi!")),
                RenderOptions.defaults());
        assertThat(p.text()).isEqualTo("<|im_start|>system\nYou are helpful.<|im_end|>\n"
                + "<|im_start|>user\nHi!<|im_end|>\n"
                + "<|im_start|>assistant\n");
        assertThat(p.thinking()).isFalse();   // the model opens <think> itself
    }

    @Test
    void multiTurnDropsReasoningOfAnswersBeforeTheLastQuery() {
        // messages[::-1] finds the last real user query at index 2 (ns.last_query_index = 2).
        // The assistant turn at index 1 is before it, so only content.split('</think>')[-1].lstrip('\n')
        // ("4") is kept and its reasoning is dropped.
        RenderedPrompt p = qwen3.render(List.of(
                ChatMessage.user("What is 2+2?"),
                ChatMessage.assistant("<think>\nAdd them.\n</think>\n\n4"),
                ChatMessage.user("And 3+3?")), RenderOptions.defaults());
        assertThat(p.text()).isEqualTo("<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n4<|im_end|>\n"
                + "<|im_start|>user\nAnd 3+3?<|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void lastAnswerAfterTheLastQueryKeepsItsReasoning() {
        // last_query_index = 0; the assistant turn (index 1) is after it and loop.last, so it is
        // rewritten as '<think>\n' + reasoning.strip('\n') + '\n</think>\n\n' + content.lstrip('\n').
        RenderedPrompt p = qwen3.render(List.of(
                ChatMessage.user("What is 2+2?"),
                ChatMessage.assistant("<think>\nAdd them.\n</think>\n\n4")), RenderOptions.defaults().withGenerationPrompt(false));
        assertThat(p.text()).isEqualTo("<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\nAdd them.\n</think>\n\n4<|im_end|>\n");
        assertThat(p.thinking()).isFalse();
    }

    @Test
    void separateReasoningContentIsUsedLikeTheInlineForm() {
        // message.reasoning_content is defined, so it is used instead of splitting the content.
        RenderedPrompt p = qwen3.render(List.of(
                ChatMessage.user("What is 2+2?"),
                ChatMessage.assistant("4", "Add them.")), RenderOptions.defaults().withGenerationPrompt(false));
        assertThat(p.text()).isEqualTo("<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\nAdd them.\n</think>\n\n4<|im_end|>\n");
    }

    @Test
    void toolsToolCallsAndToolResponses() throws Exception {
        // tools: a system block with the "# Tools" preamble and each tool as HF's tojson (", " and ": ").
        // The assistant turn has empty content: no '\n' before the first <tool_call>; the arguments
        // arrive as a dict (JSON object text is parsed, as vLLM does) and are printed with tojson.
        // The tool turn becomes a user turn wrapping <tool_response>.
        JsonNode weather = new ObjectMapper().readTree("""
                {"type":"function","function":{"name":"get_weather","description":"Get the weather",
                 "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""");
        RenderedPrompt p = qwen3.render(List.of(
                ChatMessage.user("Weather in Paris?"),
                ChatMessage.assistantToolCalls("", List.of(new ToolCall("c1", "get_weather", "{\"city\":\"Paris\"}"))),
                ChatMessage.tool("{\"temp\": 21}", "c1", "get_weather")),
                RenderOptions.defaults().withTools(List.of(weather)));
        assertThat(p.text()).isEqualTo("<|im_start|>system\n# Tools\n\nYou may call one or more functions to assist "
                + "with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n"
                + "<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": "
                + "\"Get the weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": "
                + "\"string\"}}, \"required\": [\"city\"]}}}\n</tools>\n\nFor each function call, return a json object "
                + "with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n"
                + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}"
                + "\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\n{\"temp\": 21}\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void enableThinkingFalseAddsAnEmptyThinkBlock() {
        // enable_thinking is defined and false: the generation prompt gets '<think>\n\n</think>\n\n'.
        RenderedPrompt p = qwen3.render(List.of(ChatMessage.user("Hi!")), RenderOptions.defaults().withThinking(false));
        assertThat(p.text()).isEqualTo("<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(p.thinking()).isFalse();
    }

    @Test
    void enableThinkingTrueChangesNothing() {
        RenderedPrompt p = qwen3.render(List.of(ChatMessage.user("Hi!")), RenderOptions.defaults().withThinking(true));
        assertThat(p.text()).isEqualTo("<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n");
    }
}
