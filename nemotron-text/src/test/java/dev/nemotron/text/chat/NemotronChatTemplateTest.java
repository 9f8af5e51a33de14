package dev.nemotron.text.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in Nemotron Nano 2 format; expected strings follow docs/chat-template.md. */
class NemotronChatTemplateTest {
    private final NemotronChatTemplate template = new NemotronChatTemplate();

    private RenderedPrompt render(RenderOptions options, ChatMessage... messages) {
        return template.render(List.of(messages), options);
    }

    @Test
    void userOnlyGetsAnEmptySystemTurnAndOpenReasoning() {
        RenderedPrompt p = render(RenderOptions.defaults(), ChatMessage.user("Hi!"));
        assertThat(p.text()).isEqualTo("<SPECIAL_10>System\n\n<SPECIAL_11>User\nHi!\n<SPECIAL_11>Assistant\n<think>\n");
        assertThat(p.thinking()).isTrue();
    }

    @Test
    void noThinkInSystemClosesReasoningAndIsRemoved() {
        RenderedPrompt p = render(RenderOptions.defaults(),
                ChatMessage.system("You are helpful. /no_think"), ChatMessage.user("Hi!"));
        assertThat(p.text()).isEqualTo(
                "<SPECIAL_10>System\nYou are helpful.\n<SPECIAL_11>User\nHi!\n<SPECIAL_11>Assistant\n<think></think>");
        assertThat(p.thinking()).isFalse();
    }

    @ParameterizedTest(name = "system ''{0}'', user ''{1}'' -> thinking {2}")
    @CsvSource(delimiter = '|', value = {
        "/think|Hi!|true",
        "/no_think|Hi!|false",
        "/no_think|/think Hi!|true",       // the later (user) flag wins
        "/think|Hi! /no_think|false",
        "plain|Hi!|true",                   // no flag: reasoning on
        "plain|/no_think Hi!|false",
        "/think /no_think|Hi!|true",        // one turn with both: /think is checked first, as in the model's template
        "plain|Hi /no_think /think|true",
    })
    void lastFlagWinsAndFlagsAreRemoved(String system, String user, boolean thinking) {
        RenderedPrompt p = render(RenderOptions.defaults(), ChatMessage.system(system), ChatMessage.user(user));
        assertThat(p.thinking()).isEqualTo(thinking);
        assertThat(p.text()).endsWith(thinking ? "<SPECIAL_11>Assistant\n<think>\n" : "<SPECIAL_11>Assistant\n<think></think>");
        assertThat(p.text().replace("</think>", "")).doesNotContain("/think").doesNotContain("/no_think");
        assertThat(p.text()).contains("<SPECIAL_11>User\nHi" + (user.contains("Hi!") ? "!" : "") + "\n");
    }

    @Test
    void flagInAnEarlierUserTurnHoldsUntilAnotherFlag() {
        // The first user turn switches reasoning off; the second has no flag, so it stays off.
        // The past answer loses everything up to </think> and is stripped.
        RenderedPrompt p = render(RenderOptions.defaults(),
                ChatMessage.user("What is 2+2? /no_think"),
                ChatMessage.assistant("<think>\nAdd.\n</think>\n\n4"),
                ChatMessage.user("And 3+3?"));
        assertThat(p.text()).isEqualTo("<SPECIAL_10>System\n\n<SPECIAL_11>User\nWhat is 2+2?\n"
                + "<SPECIAL_11>Assistant\n4\n<SPECIAL_12>\n"
                + "<SPECIAL_11>User\nAnd 3+3?\n<SPECIAL_11>Assistant\n<think></think>");
    }

    @Test
    void flagsInAssistantOrToolTurnsAreIgnored() {
        RenderedPrompt p = render(RenderOptions.defaults(),
                ChatMessage.user("Q /no_think"), ChatMessage.assistant("talking about /think"), ChatMessage.user("R"));
        assertThat(p.thinking()).isFalse();
        assertThat(p.text()).contains("<SPECIAL_11>Assistant\ntalking about /think\n<SPECIAL_12>\n");
    }

    @Test
    void reasoningContentOfPastTurnsIsNotRendered() {
        RenderedPrompt p = render(RenderOptions.defaults(),
                ChatMessage.user("Q"), ChatMessage.assistant("A", "hidden reasoning"), ChatMessage.user("R"));
        assertThat(p.text()).doesNotContain("hidden reasoning").contains("<SPECIAL_11>Assistant\nA\n<SPECIAL_12>\n");
    }

    @Test
    void optionsCanStartWithReasoningOffAndAFlagStillWins() {
        assertThat(render(RenderOptions.defaults().withThinking(false), ChatMessage.user("Q")).text())
                .endsWith("<SPECIAL_11>Assistant\n<think></think>");
        assertThat(render(RenderOptions.defaults().withThinking(false), ChatMessage.user("Q /think")).thinking())
                .isTrue();
    }

    @Test
    void withoutGenerationPromptAFinalAnswerIsClosed() {
        // The last assistant turn is rendered after the think prefix, stripped, and closed.
        RenderedPrompt p = render(RenderOptions.defaults().withGenerationPrompt(false),
                ChatMessage.user("Q"), ChatMessage.assistant("  A  "));
        assertThat(p.text()).isEqualTo(
                "<SPECIAL_10>System\n\n<SPECIAL_11>User\nQ\n<SPECIAL_11>Assistant\n<think>\nA\n<SPECIAL_12>\n");
        assertThat(p.thinking()).isTrue();   // '<think>' is never closed in this text: A counts as reasoning
    }

    @Test
    void withoutGenerationPromptAndNoAssistantTurnNothingIsOpened() {
        RenderedPrompt p = render(RenderOptions.defaults().withGenerationPrompt(false), ChatMessage.user("Q"));
        assertThat(p.text()).isEqualTo("<SPECIAL_10>System\n\n<SPECIAL_11>User\nQ\n");
        assertThat(p.thinking()).isFalse();
    }

    @Test
    void generationPromptContinuesAFinalAssistantTurn() {
        RenderedPrompt p = render(RenderOptions.defaults(), ChatMessage.user("Q"), ChatMessage.assistant("Partial reasoning"));
        assertThat(p.text()).isEqualTo(
                "<SPECIAL_10>System\n\n<SPECIAL_11>User\nQ\n<SPECIAL_11>Assistant\n<think>\nPartial reasoning");
        assertThat(p.thinking()).isTrue();
        RenderedPrompt closed = render(RenderOptions.defaults(), ChatMessage.user("Q"),
                ChatMessage.assistant("Partial reasoning.\n</think>\n\n"));
        assertThat(closed.text()).endsWith("<think>\nPartial reasoning.\n</think>");
        assertThat(closed.thinking()).isFalse();
    }

    private static final String TOOLS_BLOCK = "You can use the following tools to assist the user if required:\n"
            + "<AVAILABLE_TOOLS>[{\"name\": \"get_weather\", \"description\": \"Get the weather\", \"parameters\": "
            + "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}]"
            + "</AVAILABLE_TOOLS>\n\nIf you decide to call any tool(s), use the following format:\n"
            + "<TOOLCALL>[{{\"name\": \"tool_name1\", \"arguments\": \"tool_args1\"}}, "
            + "{{\"name\": \"tool_name2\", \"arguments\": \"tool_args2\"}}]</TOOLCALL>\n\n"
            + "The user will execute tool-calls and return responses from tool(s) in this format:\n"
            + "<TOOL_RESPONSE>[{{\"tool_response1\"}}, {{\"tool_response2\"}}]</TOOL_RESPONSE>\n\n"
            + "Based on the tool responses, you can call additional tools if needed, correct tool calls if any "
            + "errors are found, or just respond to the user.";

    private static JsonNode weatherTool() throws Exception {
        return new ObjectMapper().readTree("""
                {"type":"function","function":{"name":"get_weather","description":"Get the weather",
                 "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""");
    }

    @Test
    void toolsToolCallsAndGroupedToolResponses() throws Exception {
        RenderedPrompt p = render(RenderOptions.defaults().withTools(List.of(weatherTool())),
                ChatMessage.system("Be brief."),
                ChatMessage.user("Weather in Paris and Rome?"),
                ChatMessage.assistantToolCalls("<think>need tools</think>Checking.", List.of(
                        new ToolCall("a", "get_weather", "{\"city\":\"Paris\"}"),
                        new ToolCall("b", "get_weather", "{\"city\": \"Rome\"}"))),
                ChatMessage.tool("{\"temp\": 21}", "a", "get_weather"),
                ChatMessage.tool("{\"temp\": 25}", "b", "get_weather"));
        assertThat(p.text()).isEqualTo("<SPECIAL_10>System\nBe brief.\n\n" + TOOLS_BLOCK + "\n"
                + "<SPECIAL_11>User\nWeather in Paris and Rome?\n"
                + "<SPECIAL_11>Assistant\nChecking.\n\n<TOOLCALL>[{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Paris\"}}, {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}]</TOOLCALL>"
                + "\n<SPECIAL_12>\n"
                + "<SPECIAL_11>User\n<TOOL_RESPONSE>[{\"temp\": 21}, {\"temp\": 25}]</TOOL_RESPONSE>\n"
                + "<SPECIAL_11>Assistant\n<think>\n");
    }

    @Test
    void toolsWithoutSystemPromptNeedNoSeparator() throws Exception {
        RenderedPrompt p = render(RenderOptions.defaults().withTools(List.of(weatherTool())), ChatMessage.user("x"));
        assertThat(p.text()).isEqualTo("<SPECIAL_10>System\n" + TOOLS_BLOCK
                + "\n<SPECIAL_11>User\nx\n<SPECIAL_11>Assistant\n<think>\n");
    }

    @Test
    void toolCallWithoutContentAndNonObjectArgumentsVerbatim() {
        RenderedPrompt p = render(RenderOptions.defaults().withGenerationPrompt(false),
                ChatMessage.user("x"),
                ChatMessage.assistantToolCalls(null, List.of(new ToolCall(null, "f", "not json"))),
                ChatMessage.tool("ok", null, "f"));
        assertThat(p.text()).isEqualTo("<SPECIAL_10>System\n\n<SPECIAL_11>User\nx\n"
                + "<SPECIAL_11>Assistant\n<TOOLCALL>[{\"name\": \"f\", \"arguments\": not json}]</TOOLCALL>\n<SPECIAL_12>\n"
                + "<SPECIAL_11>User\n<TOOL_RESPONSE>[ok]</TOOL_RESPONSE>\n");
    }

    @Test
    void emptyConversationIsAUserError() {
        assertThatThrownBy(() -> template.render(List.of(), RenderOptions.defaults()))
                .isInstanceOf(NemotronException.class).hasMessage("a chat needs at least one message");
    }
}
