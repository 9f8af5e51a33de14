package dev.nemotron.arch.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;

/** The JSON settings shared by the header, index and writer code. */
final class Json {
    /**
     * Strict: duplicate keys and trailing content are errors. Non-numeric numbers are allowed
     * (HF index metadata may hold them), but a header never needs them.
     */
    static final ObjectMapper MAPPER = JsonMappers.strict();

    private Json() {
    }

    /** Parses {@code text}; a syntax error becomes a one-line description for {@code what}. */
    static JsonNode parse(String text, java.nio.file.Path file, String what) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw SafetensorsException.of(file, what + " is empty, expected a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw SafetensorsException.of(file, what + " is not valid JSON: " + describe(e), e);
        }
    }

    /** Jackson's complaint on one line, with line and column. */
    static String describe(JacksonException e) {
        return dev.nemotron.api.json.JsonMappers.describe(e);
    }

    /** A short rendering of a JSON value for an error message. */
    static String show(JsonNode node) {
        String s = node == null ? "nothing" : node.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
