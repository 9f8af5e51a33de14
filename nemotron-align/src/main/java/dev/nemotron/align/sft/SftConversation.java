package dev.nemotron.align.sft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatRole;
import dev.nemotron.text.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * One SFT example: a JSONL line {@code {"messages": [...], "tools": [...]}} in OpenAI's chat
 * format — roles {@code system} (or {@code developer}), {@code user}, {@code assistant} (with
 * {@code content}, {@code reasoning_content}, {@code tool_calls}) and {@code tool} (with
 * {@code tool_call_id}, {@code name}); content a string or an array of {@code {"type":"text"}}
 * parts. At least one assistant turn (the turns that carry loss).
 *
 * @param messages the turns
 * @param tools    tool definitions (OpenAI form), empty for none
 */
public record SftConversation(List<ChatMessage> messages, List<JsonNode> tools) {
    public SftConversation {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
    }

    /**
     * Parses one line.
     *
     * @param where {@code file:line}, named by every error
     * @throws NemotronException one line naming {@code where} and the problem
     */
    public static SftConversation parse(String line, String where) {
        JsonNode root = jsonObject(line, where, "a 'messages' array");
        return parse(root, where, true);
    }

    /**
     * The conversation of a parsed line's {@code messages} and {@code tools}; with
     * {@code needAssistant} false a conversation without an assistant turn is fine (a GRPO prompt).
     *
     * @throws NemotronException one line naming {@code where} and the problem
     */
    public static SftConversation parse(JsonNode root, String where, boolean needAssistant) {
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new NemotronException(where + ": expected a non-empty 'messages' array");
        }
        List<ChatMessage> out = new ArrayList<>();
        boolean assistant = false;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = message(messages.get(i), where + ": messages[" + i + "]");
            assistant |= m.role() == ChatRole.ASSISTANT;
            out.add(m);
        }
        if (!assistant && needAssistant) {
            throw new NemotronException(where + ": no assistant turn (nothing to learn from)");
        }
        List<JsonNode> tools = new ArrayList<>();
        JsonNode t = root.get("tools");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                throw new NemotronException(where + ": 'tools' must be an array of tool definitions");
            }
            for (int i = 0; i < t.size(); i++) {
                if (!t.get(i).isObject()) {
                    throw new NemotronException(where + ": tools[" + i + "] must be an object");
                }
                tools.add(t.get(i));
            }
        }
        return new SftConversation(out, tools);
    }

    /**
     * One JSONL line that must hold a JSON object (SFT conversations, DPO pairs, prompts).
     *
     * @param holding what the object should hold, for the error (e.g. {@code "a 'messages' array"})
     * @throws NemotronException one line naming {@code where}: not JSON, or not an object
     */
    public static JsonNode jsonObject(String line, String where, String holding) {
        JsonNode root;
        try {
            root = JsonMappers.json().readTree(line);
        } catch (JsonProcessingException e) {
            throw new NemotronException(where + ": not valid JSON (one JSON object per line): " + JsonMappers.problem(e));
        }
        if (root == null || !root.isObject()) {
            throw new NemotronException(where + ": expected a JSON object with " + holding);
        }
        return root;
    }

    /**
     * The turns of a {@code messages} array, checked as {@link #parse} checks them, with no
     * requirement of an assistant turn (a prompt to generate from).
     *
     * @param where {@code file:line}, named by every error
     */
    public static List<ChatMessage> messages(JsonNode messages, String where) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new NemotronException(where + ": expected a non-empty 'messages' array");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            out.add(message(messages.get(i), where + ": messages[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage message(JsonNode m, String at) {
        if (!m.isObject()) {
            throw new NemotronException(at + ": expected an object with 'role' and 'content'");
        }
        String roleName = m.path("role").isTextual() ? m.get("role").asText() : null;
        if (roleName == null) {
            throw new NemotronException(at + ": missing 'role' (system, user, assistant or tool)");
        }
        ChatRole role = switch (roleName) {
            case "system", "developer" -> ChatRole.SYSTEM;
            case "user" -> ChatRole.USER;
            case "assistant" -> ChatRole.ASSISTANT;
            case "tool" -> ChatRole.TOOL;
            default -> throw new NemotronException(at + ": unknown role '" + roleName
                    + "' (expected system, developer, user, assistant or tool)");
        };
        String content = content(m.get("content"), at);
        if (role == ChatRole.ASSISTANT) {
            List<ToolCall> calls = toolCalls(m.get("tool_calls"), at);
            String reasoning = optionalText(m.get("reasoning_content"), at + ".reasoning_content");
            if (content == null && calls.isEmpty()) {
                throw new NemotronException(at + ": an assistant turn needs 'content' or 'tool_calls'");
            }
            return new ChatMessage(role, content, reasoning, calls, null, null);
        }
        if (content == null) {
            throw new NemotronException(at + ": missing 'content'");
        }
        if (role == ChatRole.TOOL) {
            return new ChatMessage(role, content, null, List.of(), optionalText(m.get("tool_call_id"), at + ".tool_call_id"),
                    optionalText(m.get("name"), at + ".name"));
        }
        return new ChatMessage(role, content, null, List.of(), null, null);
    }

    private static String optionalText(JsonNode v, String at) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new NemotronException(at + " must be a string");
        }
        return v.asText();
    }

    /** A string, or the text parts of an array joined with newlines; null when absent. */
    private static String content(JsonNode c, String at) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isArray()) {
            throw new NemotronException(at + ".content must be a string or an array of text parts");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            JsonNode part = c.get(i);
            if (!part.path("type").asText("").equals("text") || !part.path("text").isTextual()) {
                throw new NemotronException(at + ".content[" + i + "] must be {\"type\": \"text\", \"text\": \"...\"}");
            }
            texts.add(part.get("text").asText());
        }
        return String.join("\n", texts);
    }

    private static List<ToolCall> toolCalls(JsonNode calls, String at) {
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw new NemotronException(at + ".tool_calls must be an array");
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String c = at + ".tool_calls[" + i + "]";
            JsonNode f = calls.get(i).path("function");
            if (!f.path("name").isTextual()) {
                throw new NemotronException(c + ".function.name must be a string");
            }
            JsonNode args = f.get("arguments");
            String arguments;
            if (args == null || args.isNull()) {
                arguments = "{}";
            } else if (args.isTextual()) {
                arguments = args.asText();
            } else if (args.isObject()) {
                arguments = args.toString();
            } else {
                throw new NemotronException(c + ".function.arguments must be a JSON text or an object");
            }
            out.add(new ToolCall(optionalText(calls.get(i).get("id"), c + ".id"), f.get("name").asText(), arguments));
        }
        return out;
    }
}
