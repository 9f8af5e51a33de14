package dev.nemotron.text.chat;

import java.util.Objects;

/**
 * One function call made by the assistant, as in the OpenAI format.
 *
 * @param id        the call id that the answering tool turn refers to (may be {@code null})
 * @param name      the function name
 * @param arguments the arguments as a JSON text (the OpenAI wire form; rendered verbatim)
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
