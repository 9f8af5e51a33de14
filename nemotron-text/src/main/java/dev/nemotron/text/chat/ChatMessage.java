package dev.nemotron.text.chat;

import java.util.List;
import java.util.Objects;

/**
 * One chat turn.
 *
 * @param role             who speaks
 * @param content          the visible text ({@code null} only for an assistant turn that only calls tools)
 * @param reasoningContent the assistant's reasoning, kept apart from {@code content} (OpenAI's
 *                         {@code reasoning_content}); {@code null} when absent
 * @param toolCalls        function calls of an assistant turn; empty otherwise
 * @param toolCallId       for a tool turn: the id of the call it answers; {@code null} otherwise
 * @param name             for a tool turn: the function name; {@code null} otherwise
 */
public record ChatMessage(ChatRole role, String content, String reasoningContent,
                          List<ToolCall> toolCalls, String toolCallId, String name) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A system turn. */
    public static ChatMessage system(String content) {
        return new ChatMessage(ChatRole.SYSTEM, content, null, List.of(), null, null);
    }

    /** A user turn. */
    public static ChatMessage user(String content) {
        return new ChatMessage(ChatRole.USER, content, null, List.of(), null, null);
    }

    /** An assistant turn with its visible answer only. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(ChatRole.ASSISTANT, content, null, List.of(), null, null);
    }

    /** An assistant turn with separate reasoning. */
    public static ChatMessage assistant(String content, String reasoningContent) {
        return new ChatMessage(ChatRole.ASSISTANT, content, reasoningContent, List.of(), null, null);
    }

    /** An assistant turn that calls tools (content may be {@code null}). */
    public static ChatMessage assistantToolCalls(String content, List<ToolCall> toolCalls) {
        return new ChatMessage(ChatRole.ASSISTANT, content, null, toolCalls, null, null);
    }

    /** A tool turn: the result of the call {@code toolCallId} of function {@code name}. */
    public static ChatMessage tool(String content, String toolCallId, String name) {
        return new ChatMessage(ChatRole.TOOL, content, null, List.of(), toolCallId, name);
    }

    /** The content, or the empty string when there is none. */
    public String contentOrEmpty() {
        return content == null ? "" : content;
    }
}
