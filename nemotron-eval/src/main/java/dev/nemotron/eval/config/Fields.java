package dev.nemotron.eval.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.options.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, checked access to one mapping of a task file (or of a metric's, filter's or data
 * source's options). Every problem is a {@link NemotronException} whose one-line message names
 * the place ({@code where}, e.g. {@code "gsm8k.yaml: generation"}) and the field.
 *
 * <pre>{@code
 * Fields f = Fields.of(node, "gsm8k.yaml: generation");    // a file's top level: Fields.of(root, "gsm8k.yaml")
 * f.allowOnly("max_tokens", "stop");
 * int maxTokens = f.positiveInt("max_tokens", 256);
 * }</pre>
 */
public final class Fields {
    private final ObjectNode node;
    private final String where;

    private Fields(ObjectNode node, String where) {
        this.node = node;
        this.where = where;
    }

    /** @throws NemotronException when {@code node} is neither a mapping nor absent/null (read as empty) */
    public static Fields of(JsonNode node, String where) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new Fields(JsonNodeFactory.instance.objectNode(), where);
        }
        if (!node.isObject()) {
            throw new NemotronException(where + " must be a mapping, got " + shown(node));
        }
        return new Fields((ObjectNode) node, where);
    }

    /** The mapping itself (read-only by convention). */
    public ObjectNode node() {
        return node;
    }

    /** Where this mapping is, for messages. */
    public String where() {
        return where;
    }

    /**
     * The place of one field: {@code "task.yaml: field"} at the top of a file,
     * {@code "task.yaml: generation.field"} below.
     */
    public String at(String field) {
        return where + (where.contains(": ") ? "." : ": ") + field;
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** @throws NemotronException naming the first field not in {@code known} (a typo, usually) */
    public void allowOnly(String... known) {
        allowOnly(Set.of(known));
    }

    /** @throws NemotronException naming the first field not in {@code known} */
    public void allowOnly(Set<String> known) {
        TreeSet<String> unknown = new TreeSet<>();
        node.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new NemotronException(where + ": unknown field '" + unknown.first() + "' (known: "
                    + String.join(", ", new TreeSet<>(known)) + ")" + Suggestions.didYouMean(unknown.first(), known));
        }
    }

    /** The raw value, or null when absent or null. */
    public JsonNode raw(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** A required string. */
    public String string(String field) {
        String s = string(field, null);
        if (s == null) {
            throw new NemotronException(where + ": missing field '" + field + "'");
        }
        return s;
    }

    /** An optional string ({@code fallback} when absent). */
    public String string(String field, String fallback) {
        JsonNode v = raw(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new NemotronException(at(field) + " must be a string, got " + shown(v));
        }
        return v.textValue();
    }

    /** An optional boolean; null when absent. */
    public Boolean bool(String field) {
        JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new NemotronException(at(field) + " must be true or false, got " + shown(v));
        }
        return v.booleanValue();
    }

    /** An optional boolean with a default. */
    public boolean bool(String field, boolean fallback) {
        Boolean b = bool(field);
        return b == null ? fallback : b;
    }

    /** An optional int; null when absent. */
    public Integer integer(String field) {
        JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new NemotronException(at(field) + " must be an integer, got " + shown(v));
        }
        return v.intValue();
    }

    /** An optional int {@code >= min}, with a default. */
    public int intAtLeast(String field, int min, int fallback) {
        Integer i = integer(field);
        if (i == null) {
            return fallback;
        }
        if (i < min) {
            throw new NemotronException(at(field) + " must be >= " + min + ", got " + i);
        }
        return i;
    }

    /** An optional long; null when absent. */
    public Long longValue(String field) {
        JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new NemotronException(at(field) + " must be an integer, got " + shown(v));
        }
        return v.longValue();
    }

    /** An optional number; null when absent. */
    public Double number(String field) {
        JsonNode v = raw(field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw new NemotronException(at(field) + " must be a number, got " + shown(v));
        }
        return v.doubleValue();
    }

    /** A string or a list of strings (a single string reads as a list of one); empty when absent. */
    public List<String> strings(String field) {
        JsonNode v = raw(field);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.textValue());
            return out;
        }
        if (!v.isArray()) {
            throw new NemotronException(at(field) + " must be a string or a list of strings, got " + shown(v));
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new NemotronException(at(field) + "[" + i + "] must be a string, got " + shown(v.get(i)));
            }
            out.add(v.get(i).textValue());
        }
        return out;
    }

    /** A nested mapping (empty when absent). */
    public Fields object(String field) {
        return of(node.get(field), at(field));
    }

    /** The entries of a list field, each with its place ({@code field[i]}); empty when absent. */
    public List<Entry> list(String field) {
        JsonNode v = raw(field);
        List<Entry> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw new NemotronException(at(field) + " must be a list, got " + shown(v));
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new Entry(v.get(i), at(field) + "[" + i + "]"));
        }
        return out;
    }

    /** One element of a list field and its place. */
    public record Entry(JsonNode value, String where) {
    }

    /** A short rendering of a value for messages. */
    public static String shown(JsonNode n) {
        String text = n.toString();
        String s = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        if (n.isArray()) {
            return "a list " + s;
        }
        if (n.isObject()) {
            return "a mapping " + s;
        }
        return s;
    }
}
