package dev.nemotron.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import java.io.PrintWriter;

/** JSON results on stdout, one document per command. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMappers.pretty();

    private Json() {
    }

    private static final ObjectMapper COMPACT = JsonMappers.json();

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A plain value (maps, lists, strings, numbers) as a tree. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** A plain value as one line of JSON. */
    public static String compact(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value, e);
        }
    }

    public static void print(PrintWriter out, Object value) {
        try {
            out.println(MAPPER.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise result", e);
        }
    }
}
