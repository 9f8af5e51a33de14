package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.infer.engine.FinishReason;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.text.chat.ToolCall;
import java.util.List;

/**
 * The model's tool calls as OpenAI's {@code tool_calls}: a request that offers {@code tools}
 * (and does not say {@code tool_choice: "none"}) has the answer's Nemotron Nano 2 call block
 * ({@link dev.nemotron.text.chat.ToolCallText}) parsed into calls, and a generation that stopped
 * after one finishes with {@code "tool_calls"}. Malformed call text stays content.
 */
final class ToolCallReplies {
    private ToolCallReplies() {
    }

    /** Whether this request's answers are read for tool calls. */
    static boolean requested(JsonFields body) {
        JsonNode tools = body.node("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return false;
        }
        JsonNode choice = body.node("tool_choice");
        if (choice == null || choice.isObject()) {
            return true;
        }
        if (!choice.isTextual() || !List.of("none", "auto", "required").contains(choice.asText())) {
            throw body.wrongType("tool_choice", "\"none\", \"auto\", \"required\" or {\"type\": \"function\", ...}");
        }
        return !choice.asText().equals("none");
    }

    /** {@code calls} as the {@code tool_calls} array; {@code streamed} adds each call's {@code index}. */
    static ArrayNode toJson(List<ToolCall> calls, boolean streamed) {
        ArrayNode array = ServerJson.MAPPER.createArrayNode();
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode call = array.addObject();
            if (streamed) {
                call.put("index", i);
            }
            call.put("id", ResponseParts.newId("call_"));
            call.put("type", "function");
            ObjectNode function = call.putObject("function");
            function.put("name", calls.get(i).name());
            function.put("arguments", calls.get(i).arguments());
        }
        return array;
    }

    /** The finish reason of {@code r} whose answer held calls: {@code tool_calls} if it stopped by itself. */
    static String finishReason(GenerationResult r) {
        return r.finishReason() == FinishReason.STOP ? "tool_calls" : ResponseParts.finishReason(r);
    }
}
