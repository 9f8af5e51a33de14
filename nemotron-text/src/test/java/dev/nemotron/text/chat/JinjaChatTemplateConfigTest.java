package dev.nemotron.text.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the template and special tokens are taken from a tokenizer_config.json. */
class JinjaChatTemplateConfigTest {
    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void bosAndEosTokensAsStringsOrAddedTokenObjects() throws Exception {
        JinjaChatTemplate t = JinjaChatTemplate.fromTokenizerConfig(json("""
                {"chat_template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}",
                 "bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "</s>"}"""));
        assertThat(t.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), RenderOptions.defaults()).text())
                .isEqualTo("<s>a</s>b</s>");
    }

    @Test
    void listFormPicksToolUseWhenToolsAreGivenElseDefault() throws Exception {
        JinjaChatTemplate t = JinjaChatTemplate.fromTokenizerConfig(json("""
                {"chat_template": [{"name": "default", "template": "plain"},
                                   {"name": "tool_use", "template": "tools:{{ tools | length if tools else none }}"}]}"""));
        List<ChatMessage> chat = List.of(ChatMessage.user("x"));
        assertThat(t.render(chat, RenderOptions.defaults()).text()).isEqualTo("plain");
        assertThat(t.render(chat, RenderOptions.defaults().withTools(List.of(json("{\"name\": \"f\"}")))).text())
                .isEqualTo("tools:1");   // tools present: tool_use
        assertThat(t.render("tool_use", chat, RenderOptions.defaults()).text()).isEqualTo("tools:None");   // HF passes tools=None when there are none
        assertThatThrownBy(() -> t.render("nope", chat, RenderOptions.defaults()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("no chat template named 'nope'");
    }

    @Test
    void enableThinkingIsUndefinedUnlessSet() throws Exception {
        JinjaChatTemplate t = JinjaChatTemplate.of("{{ enable_thinking is defined }}/{{ enable_thinking }}", null, null);
        List<ChatMessage> chat = List.of(ChatMessage.user("x"));
        assertThat(t.render(chat, RenderOptions.defaults()).text()).isEqualTo("False/");
        assertThat(t.render(chat, RenderOptions.defaults().withThinking(false)).text()).isEqualTo("True/False");
    }

    @Test
    void promptEndingInsideReasoningIsMarkedThinking() {
        JinjaChatTemplate t = JinjaChatTemplate.of("{{ messages[0].content }}<think>\n", null, null);
        assertThat(t.render(List.of(ChatMessage.user("x")), RenderOptions.defaults()).thinking()).isTrue();
    }

    @Test
    void missingTemplateAndSyntaxErrorsAreUserErrors() throws Exception {
        assertThatThrownBy(() -> JinjaChatTemplate.fromTokenizerConfig(json("{\"eos_token\": \"x\"}")))
                .isInstanceOf(NemotronException.class).hasMessage("tokenizer_config.json has no chat_template");
        assertThatThrownBy(() -> JinjaChatTemplate.fromTokenizerConfig(json("{\"chat_template\": \"{% if %}\"}")))
                .isInstanceOf(NemotronException.class)
                .hasMessage("chat template syntax error at line 1, column 7: unexpected '%}'");
    }

    @Test
    void raiseExceptionFromTheTemplate() {
        JinjaChatTemplate t = JinjaChatTemplate.of(
                "{% if messages[0].role != 'user' %}{{ raise_exception('first turn must be the user') }}{% endif %}",
                null, null);
        assertThatThrownBy(() -> t.render(List.of(ChatMessage.assistant("x")), RenderOptions.defaults()))
                .isInstanceOf(NemotronException.class)
                .hasMessage("chat template raised an error at line 1: first turn must be the user");
    }
}
