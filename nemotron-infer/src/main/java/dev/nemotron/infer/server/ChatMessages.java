package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatRole;
import dev.nemotron.text.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code messages} of a chat completion request, in OpenAI's format: roles {@code system}
 * ({@code developer} is read as system), {@code user}, {@code assistant} and {@code tool};
 * content as a string or as an array of {@code {"type":"text","text":…}} parts; an assistant's
 * {@code reasoning_content} and {@code tool_calls}; a tool turn's {@code tool_call_id} and
 * {@code name}.
 */
final class ChatMessages {
    private ChatMessages() {
    }

    static List<ChatMessage> parse(JsonFields body) {
        JsonNode messages = body.node("messages");
        if (messages == null) {
            throw ApiException.badRequest("messages is required", "messages");
        }
        if (!messages.isArray()) {
            throw body.wrongType("messages", "an array of messages");
        }
        if (messages.isEmpty()) {
            throw ApiException.badRequest("messages must hold at least one message", "messages");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = messages.get(i);
            if (!m.isObject()) {
                throw ApiException.badRequest(at + " must be an object, got " + JsonFields.describe(m), at);
            }
            out.add(message(new JsonFields(m, at + ".")));
        }
        return out;
    }

    private static ChatMessage message(JsonFields m) {
        String roleName = m.requiredString("role");
        ChatRole role = switch (roleName) {
            case "system", "developer" -> ChatRole.SYSTEM;
            case "user" -> ChatRole.USER;
            case "assistant" -> ChatRole.ASSISTANT;
            case "tool" -> ChatRole.TOOL;
            default -> throw ApiException.badRequest("unknown role '" + roleName + "' in " + m.name("role")
                    + " (expected system, developer, user, assistant or tool)", m.name("role"));
        };
        String content = content(m);
        return switch (role) {
            case ASSISTANT -> {
                List<ToolCall> calls = toolCalls(m);
                if (content == null && calls.isEmpty()) {
                    throw ApiException.badRequest(m.name("content") + " is required (or tool_calls)", m.name("content"));
                }
                yield new ChatMessage(role, content, m.string("reasoning_content").orElse(null), calls, null, null);
            }
            case TOOL -> new ChatMessage(role, require(m, content), null, List.of(),
                    m.string("tool_call_id").orElse(null), m.string("name").orElse(null));
            default -> new ChatMessage(role, require(m, content), null, List.of(), null, null);
        };
    }

    private static String require(JsonFields m, String content) {
        if (content == null) {
            throw ApiException.badRequest(m.name("content") + " is required", m.name("content"));
        }
        return content;
    }

    /** A string, or the text parts of an array joined with newlines (as vLLM does); null when absent. */
    private static String content(JsonFields m) {
        JsonNode c = m.node("content");
        if (c == null) {
            return null;
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isArray()) {
            throw m.wrongType("content", "a string or an array of text parts");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            String at = m.name("content") + "[" + i + "]";
            JsonNode part = c.get(i);
            if (!part.isObject() || !part.path("type").isTextual()) {
                throw ApiException.badRequest(at + " must be an object with a 'type', got " + JsonFields.describe(part), at);
            }
            String type = part.get("type").asText();
            if (!type.equals("text")) {
                throw ApiException.badRequest(at + ": content parts of type '" + type + "' are not supported (only 'text')", at);
            }
            if (!part.path("text").isTextual()) {
                throw ApiException.badRequest(at + ".text must be a string", at + ".text");
            }
            texts.add(part.get("text").asText());
        }
        return String.join("\n", texts);
    }

    private static List<ToolCall> toolCalls(JsonFields m) {
        JsonNode calls = m.node("tool_calls");
        if (calls == null) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw m.wrongType("tool_calls", "an array");
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String at = m.name("tool_calls") + "[" + i + "]";
            JsonNode call = calls.get(i);
            JsonNode function = call.path("function");
            if (!function.path("name").isTextual()) {
                throw ApiException.badRequest(at + ".function.name must be a string", at + ".function.name");
            }
            JsonNode args = function.path("arguments");
            String arguments = args.isTextual() ? args.asText() : args.isMissingNode() || args.isNull() ? "{}" : args.toString();
            out.add(new ToolCall(call.path("id").isTextual() ? call.get("id").asText() : null, function.get("name").asText(),
                    arguments));
        }
        return out;
    }
}
