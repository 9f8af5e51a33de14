package dev.nemotron.text.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallTextTest {
    /** What the template renders for an assistant turn with calls is read back as the same calls. */
    @Test
    void theTemplatesRenderingOfCallsParsesBackToTheCalls() {
        List<ToolCall> calls = List.of(new ToolCall("c1", "get_weather", "{\"city\":\"Paris\",\"days\":[1,2]}"),
                new ToolCall("c2", "now", "{}"));
        String rendered = new NemotronChatTemplate().render(List.of(ChatMessage.user("Q"),
                ChatMessage.assistantToolCalls("Let me look.", calls), ChatMessage.user("R")), RenderOptions.defaults()).text();
        String assistant = rendered.substring(rendered.indexOf(NemotronChatTemplate.ASSISTANT) + NemotronChatTemplate.ASSISTANT.length(),
                rendered.indexOf(NemotronChatTemplate.END_OF_TURN, rendered.indexOf(NemotronChatTemplate.ASSISTANT)));

        ToolCallText.Parsed parsed = ToolCallText.parse(assistant).orElseThrow();

        assertThat(parsed.content()).isEqualTo("Let me look.");
        assertThat(parsed.calls()).extracting(ToolCall::name).containsExactly("get_weather", "now");
        assertThat(parsed.calls()).extracting(ToolCall::arguments).containsExactly("{\"city\":\"Paris\",\"days\":[1,2]}", "{}");
    }

    @Test
    void argumentsGivenAsAJsonStringAreReadAsTheObjectTheyHold() {
        var parsed = ToolCallText.parse("<TOOLCALL>[{\"name\": \"f\", \"arguments\": \"{\\\"x\\\": 1}\"}]</TOOLCALL>\n").orElseThrow();
        assertThat(parsed.content()).isEmpty();
        assertThat(parsed.calls()).containsExactly(new ToolCall(null, "f", "{\"x\":1}"));
    }

    @Test
    void anythingButAWellFormedBlockStaysContent() {
        for (String text : List.of(
                "no calls here",
                "<TOOLCALL>[{\"name\": \"f\", \"arguments\": {}}]",                       // never closed (cut by max_tokens)
                "<TOOLCALL>[{\"name\": \"f\", \"arguments\": {}]</TOOLCALL>",             // broken JSON
                "<TOOLCALL>[]</TOOLCALL>",                                                // no call
                "<TOOLCALL>{\"name\": \"f\", \"arguments\": {}}</TOOLCALL>",              // not an array
                "<TOOLCALL>[{\"arguments\": {}}]</TOOLCALL>",                             // no name
                "<TOOLCALL>[{\"name\": \"\", \"arguments\": {}}]</TOOLCALL>",             // empty name
                "<TOOLCALL>[{\"name\": \"f\", \"arguments\": [1]}]</TOOLCALL>",           // arguments not an object
                "<TOOLCALL>[{\"name\": \"f\", \"arguments\": \"not json\"}]</TOOLCALL>",  // string that is no object
                "<TOOLCALL>[{\"name\": \"f\", \"arguments\": {}}]</TOOLCALL> and more",  // text after the block
                "</TOOLCALL><TOOLCALL>")) {
            assertThat(ToolCallText.parse(text)).as(text).isEmpty();
        }
    }

    @Test
    void aStreamHoldsBackOnlyWhatCouldStillBecomeTheOpenTag() {
        assertThat(ToolCallText.partialOpenAtEnd("hello <TOOL")).isEqualTo(5);
        assertThat(ToolCallText.partialOpenAtEnd("hello <")).isEqualTo(1);
        assertThat(ToolCallText.partialOpenAtEnd("hello")).isZero();
        assertThat(ToolCallText.partialOpenAtEnd("a <TOOLCALX")).isZero();
        assertThat(ToolCallText.partialOpenAtEnd("")).isZero();
    }
}
