package dev.nemotron.text.chat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tool calls of a Nemotron Nano 2 answer, read back out of its text: the model writes
 * {@code <TOOLCALL>[{"name": "f", "arguments": {...}}, ...]</TOOLCALL>} (the format its chat
 * template teaches, see {@link NemotronChatTemplate}), optionally after some content.
 *
 * <p>Only a well-formed block is a tool call: the open tag, a JSON array of objects each with a
 * non-empty string {@code name} and {@code arguments} (an object, or a string holding one), the
 * close tag, and nothing but white space after it. Anything else is left as content, as the model
 * wrote it.
 */
public final class ToolCallText {
    /** Opens the block of calls. */
    public static final String OPEN = "<TOOLCALL>";
    /** Closes the block of calls. */
    public static final String CLOSE = "</TOOLCALL>";

    private static final ObjectMapper JSON = JsonMappers.strict();

    private ToolCallText() {
    }

    /**
     * An answer split into its content and its calls.
     *
     * @param content the text before the block, stripped (empty when there is none)
     * @param calls   the calls in order, at least one; ids are null (the server assigns them)
     */
    public record Parsed(String content, List<ToolCall> calls) {
        public Parsed {
            calls = List.copyOf(calls);
        }
    }

    /** The calls of {@code text}, or empty when it holds no well-formed block. */
    public static Optional<Parsed> parse(String text) {
        // 1. locate the block: the first open tag, the last close tag, only white space after it
        int open = text.indexOf(OPEN);
        int close = text.lastIndexOf(CLOSE);
        if (open < 0 || close < open + OPEN.length() || !text.substring(close + CLOSE.length()).isBlank()) {
            return Optional.empty();
        }
        // 2. the array of calls
        JsonNode array;
        try {
            array = JSON.readTree(text.substring(open + OPEN.length(), close));
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            return Optional.empty();
        }
        // 3. each call: a name and JSON-object arguments, sent on as JSON text (the OpenAI wire form)
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : array) {
            JsonNode name = call.get("name");
            if (!call.isObject() || name == null || !name.isTextual() || name.asText().isBlank()) {
                return Optional.empty();
            }
            Optional<String> arguments = arguments(call.get("arguments"));
            if (arguments.isEmpty()) {
                return Optional.empty();
            }
            calls.add(new ToolCall(null, name.asText(), arguments.get()));
        }
        return Optional.of(new Parsed(text.substring(0, open).strip(), calls));
    }

    /**
     * How many characters at the end of {@code text} could be the start of {@link #OPEN}: a
     * streaming reader holds those back until the next piece says whether a block begins.
     */
    public static int partialOpenAtEnd(String text) {
        for (int k = Math.min(OPEN.length() - 1, text.length()); k > 0; k--) {
            if (text.endsWith(OPEN.substring(0, k))) {
                return k;
            }
        }
        return 0;
    }

    private static Optional<String> arguments(JsonNode args) {
        if (args == null || args.isNull()) {
            return Optional.of("{}");
        }
        if (args.isObject()) {
            return Optional.of(args.toString());
        }
        if (args.isTextual()) {
            try {
                JsonNode parsed = JSON.readTree(args.asText());
                return parsed != null && parsed.isObject() ? Optional.of(parsed.toString()) : Optional.empty();
            } catch (JacksonException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
