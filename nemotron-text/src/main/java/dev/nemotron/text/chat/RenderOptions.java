package dev.nemotron.text.chat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * How to render a conversation.
 *
 * @param addGenerationPrompt end with the header of a new assistant turn (HF's {@code add_generation_prompt})
 * @param enableThinking      reasoning on or off before any {@code /think} / {@code /no_think} flag;
 *                            {@code null} leaves it to the template (HF's {@code enable_thinking} stays undefined)
 * @param tools               tool definitions (OpenAI form, {@code {"type":"function","function":{…}}}); empty for none
 */
public record RenderOptions(boolean addGenerationPrompt, Boolean enableThinking, List<JsonNode> tools) {
    public RenderOptions {
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /** Generation prompt on, thinking left to the template, no tools. */
    public static RenderOptions defaults() {
        return new RenderOptions(true, null, List.of());
    }

    /** A copy with {@code addGenerationPrompt} replaced. */
    public RenderOptions withGenerationPrompt(boolean add) {
        return new RenderOptions(add, enableThinking, tools);
    }

    /** A copy with {@code enableThinking} replaced. */
    public RenderOptions withThinking(Boolean enable) {
        return new RenderOptions(addGenerationPrompt, enable, tools);
    }

    /** A copy with {@code tools} replaced. */
    public RenderOptions withTools(List<JsonNode> newTools) {
        return new RenderOptions(addGenerationPrompt, enableThinking, newTools);
    }
}
