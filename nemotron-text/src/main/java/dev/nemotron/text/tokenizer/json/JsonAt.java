package dev.nemotron.text.tokenizer.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.text.tokenizer.TokenizerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A node of a {@code tokenizer.json} together with its JSON path and file name, so that every
 * error raised while reading a component names exactly where it is
 * ({@code tokenizer.json: normalizer.normalizers[2].pattern: ...}).
 *
 * @param node   the JSON node (never {@code null}; JSON null is a {@code NullNode})
 * @param path   the JSON path of the node, e.g. {@code pre_tokenizer.pretokenizers[0]}
 * @param source the file name used in messages
 */
public record JsonAt(JsonNode node, String path, String source) {

    /** The child {@code field}, which may be missing (then a {@code MissingNode}) or null. */
    public JsonAt get(String field) {
        return new JsonAt(node.path(field), path.isEmpty() ? field : path + "." + field, source);
    }

    /** Whether the field is present and not JSON null. */
    public boolean has(String field) {
        JsonNode n = node.get(field);
        return n != null && !n.isNull();
    }

    public boolean isNull() {
        return node.isNull() || node.isMissingNode();
    }

    /** The child {@code field}, which must be present and not null. */
    public JsonAt require(String field) {
        JsonAt c = get(field);
        if (c.isNull()) {
            throw c.error("missing field");
        }
        return c;
    }

    /** The component type ({@code "type"} field), required. */
    public String type() {
        return require("type").text();
    }

    /** This node as a string; fails unless it is a JSON string. */
    public String text() {
        if (!node.isTextual()) {
            throw error("expected a string, got " + describe(node));
        }
        return node.textValue();
    }

    public String text(String field) {
        return require(field).text();
    }

    public Optional<String> optText(String field) {
        return has(field) ? Optional.of(get(field).text()) : Optional.empty();
    }

    public boolean bool(String field, boolean defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        JsonAt c = get(field);
        if (!c.node.isBoolean()) {
            throw c.error("expected true or false, got " + describe(c.node));
        }
        return c.node.booleanValue();
    }

    /** This node as a non-negative int. */
    public int integer() {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw error("expected a non-negative integer, got " + describe(node));
        }
        return node.intValue();
    }

    public int integer(String field, int defaultValue) {
        return has(field) ? get(field).integer() : defaultValue;
    }

    /** The elements of this node, which must be an array. */
    public List<JsonAt> elements() {
        if (!node.isArray()) {
            throw error("expected an array, got " + describe(node));
        }
        List<JsonAt> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(new JsonAt(node.get(i), path + "[" + i + "]", source));
        }
        return out;
    }

    /** The fields of this node, which must be an object, in file order. */
    public List<String> fieldNames() {
        if (!node.isObject()) {
            throw error("expected an object, got " + describe(node));
        }
        List<String> names = new ArrayList<>(node.size());
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** An exception whose message names the file and this node's path. */
    public TokenizerException error(String message) {
        return new TokenizerException(source + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    /** An exception for an unsupported component type, listing the supported ones. */
    public TokenizerException unknownType(String kind, String type, String supported) {
        return get("type").error("unknown " + kind + " type '" + type + "' (supported: " + supported + ")");
    }

    private static String describe(JsonNode n) {
        if (n.isMissingNode()) {
            return "nothing";
        }
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
