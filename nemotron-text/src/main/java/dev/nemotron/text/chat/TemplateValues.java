package dev.nemotron.text.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.nemotron.api.json.JsonMappers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts chat messages and JSON into the plain values templates see (HF's dict/list/str form). */
final class TemplateValues {
    private static final ObjectMapper JSON = JsonMappers.json();

    private TemplateValues() {
    }

    /** JSON to String/Long/Double/Boolean/null/List/Map. */
    static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            node.properties().forEach(e -> out.put(e.getKey(), fromJson(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            node.forEach(n -> out.add(fromJson(n)));
            return out;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }

    /**
     * Tool-call arguments as templates get them: a JSON object text becomes a dict (as vLLM passes
     * it, so templates print it with {@code tojson}); anything else stays the string.
     */
    static Object arguments(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node != null && node.isObject() ? fromJson(node) : json;
        } catch (java.io.IOException e) {
            return json;
        }
    }

    /** One message in HF's dict form. */
    static Map<String, Object> message(ChatMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", m.role().wireName());
        out.put("content", m.content());
        if (m.reasoningContent() != null) {
            out.put("reasoning_content", m.reasoningContent());
        }
        if (!m.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCall call : m.toolCalls()) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", call.name());
                function.put("arguments", arguments(call.arguments()));
                Map<String, Object> c = new LinkedHashMap<>();
                if (call.id() != null) {
                    c.put("id", call.id());
                }
                c.put("type", "function");
                c.put("function", function);
                calls.add(c);
            }
            out.put("tool_calls", calls);
        }
        if (m.toolCallId() != null) {
            out.put("tool_call_id", m.toolCallId());
        }
        if (m.name() != null) {
            out.put("name", m.name());
        }
        return out;
    }

    /** All messages in HF's dict form. */
    static List<Object> messages(List<ChatMessage> messages) {
        List<Object> out = new ArrayList<>(messages.size());
        messages.forEach(m -> out.add(message(m)));
        return out;
    }

    /** Tool definitions as dicts. */
    static List<Object> tools(List<JsonNode> tools) {
        List<Object> out = new ArrayList<>(tools.size());
        tools.forEach(t -> out.add(fromJson(t)));
        return out;
    }
}
