package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Typed, optional fields of a JSON request object. A missing field and an explicit {@code null}
 * both read as absent; a value of the wrong type is a 400 naming the field.
 */
final class JsonFields {
    private final JsonNode object;
    private final String prefix;

    /** @param prefix what field names are qualified with in errors ("" at the top level, "messages[2]." inside) */
    JsonFields(JsonNode object, String prefix) {
        this.object = object;
        this.prefix = prefix;
    }

    /** The request body: must be a JSON object. */
    static JsonFields body(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        return new JsonFields(body, "");
    }

    String name(String field) {
        return prefix + field;
    }

    /** The raw node, or null when missing or null. */
    JsonNode node(String field) {
        JsonNode n = object.get(field);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String field) {
        return node(field) != null;
    }

    ApiException wrongType(String field, String expected) {
        return ApiException.badRequest(name(field) + " must be " + expected + ", got "
                + describe(object.get(field)), name(field));
    }

    static String describe(JsonNode n) {
        String text = n.toString();
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
                + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }

    Optional<String> string(String field) {
        JsonNode n = node(field);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw wrongType(field, "a string");
        }
        return Optional.of(n.asText());
    }

    String requiredString(String field) {
        return string(field).orElseThrow(() -> ApiException.badRequest(name(field) + " is required", name(field)));
    }

    Optional<Boolean> bool(String field) {
        JsonNode n = node(field);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw wrongType(field, "a boolean");
        }
        return Optional.of(n.asBoolean());
    }

    OptionalDouble number(String field) {
        JsonNode n = node(field);
        if (n == null) {
            return OptionalDouble.empty();
        }
        if (!n.isNumber()) {
            throw wrongType(field, "a number");
        }
        return OptionalDouble.of(n.asDouble());
    }

    OptionalLong integer(String field) {
        JsonNode n = node(field);
        if (n == null) {
            return OptionalLong.empty();
        }
        if (!(n.isIntegralNumber() && n.canConvertToLong())
                && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()) && Math.abs(n.asDouble()) < 1e15)) {
            throw wrongType(field, "an integer");
        }
        return OptionalLong.of(n.asLong());
    }

    /** An integer that must fit an int and lie in {@code [min, max]}. */
    OptionalInt intInRange(String field, int min, int max) {
        OptionalLong v = integer(field);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (v.getAsLong() < min || v.getAsLong() > max) {
            throw ApiException.badRequest(name(field) + " must be in [" + min + ", " + max + "], got " + v.getAsLong(),
                    name(field));
        }
        return OptionalInt.of((int) v.getAsLong());
    }

    /** A JSON object, wrapped. */
    Optional<JsonFields> object(String field) {
        JsonNode n = node(field);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isObject()) {
            throw wrongType(field, "an object");
        }
        return Optional.of(new JsonFields(n, name(field) + "."));
    }

    /** A string, or an array of strings (OpenAI's {@code stop}). */
    List<String> stringOrStrings(String field) {
        JsonNode n = node(field);
        if (n == null) {
            return List.of();
        }
        if (n.isTextual()) {
            return List.of(n.asText());
        }
        if (!n.isArray()) {
            throw wrongType(field, "a string or an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw wrongType(field, "a string or an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** An array of non-negative integers (token ids). */
    List<Integer> tokenIds(String field) {
        JsonNode n = node(field);
        if (n == null) {
            return List.of();
        }
        if (!n.isArray()) {
            throw wrongType(field, "an array of token ids");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isIntegralNumber() || !item.canConvertToInt() || item.asInt() < 0) {
                throw ApiException.badRequest(name(field) + " must hold integer token ids >= 0, got "
                        + describe(item), name(field));
            }
            out.add(item.asInt());
        }
        return out;
    }
}
