package dev.nemotron.eval.reward.ifeval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keyword arguments of one instruction (a JSON object, as in Google's IFEval
 * {@code kwargs} lists), read with one-line errors naming the instruction and the argument.
 * Arguments whose value is JSON {@code null} count as absent (the published data set lists every
 * argument of every instruction, most of them null).
 */
final class Kwargs {
    /** Counts larger than this are refused: nothing is sized from them, but no real prompt asks for more. */
    static final int MAX_COUNT = 100_000;

    private final String instruction;
    private final JsonNode node;

    Kwargs(String instruction, JsonNode node) {
        this.instruction = instruction;
        this.node = node == null || node.isNull() ? null : node;
        if (this.node != null && !this.node.isObject()) {
            throw error("kwargs must be a JSON object, got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Fails on a non-null argument not in {@code known}. */
    Kwargs requireOnly(Set<String> known) {
        if (node == null) {
            return this;
        }
        Set<String> unknown = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull() && !known.contains(e.getKey())) {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            throw error("unknown kwarg(s) " + String.join(", ", unknown) + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
        return this;
    }

    private JsonNode get(String key) {
        JsonNode v = node == null ? null : node.get(key);
        if (v == null || v.isNull()) {
            throw error("missing kwarg " + key);
        }
        return v;
    }

    /** A whole number in {@code [min, MAX_COUNT]} (JSON number or numeric string). */
    int count(String key, int min) {
        JsonNode v = get(key);
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            n = v.longValue();
        } else if (v.isTextual() && v.textValue().strip().matches("-?\\d{1,9}")) {
            n = Long.parseLong(v.textValue().strip());
        } else {
            throw error("kwarg " + key + ": expected a whole number, got " + v);
        }
        if (n < min || n > MAX_COUNT) {
            throw error("kwarg " + key + ": must be in [" + min + ", " + MAX_COUNT + "], got " + n);
        }
        return (int) n;
    }

    /** A non-blank string. */
    String text(String key) {
        JsonNode v = get(key);
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw error("kwarg " + key + ": expected a non-empty string, got " + v);
        }
        return v.textValue();
    }

    /** A non-empty list of non-blank strings. */
    List<String> texts(String key) {
        JsonNode v = get(key);
        if (!v.isArray() || v.isEmpty()) {
            throw error("kwarg " + key + ": expected a non-empty list of strings, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.textValue().isBlank()) {
                throw error("kwarg " + key + ": expected a non-empty list of strings, got " + v);
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** {@code "less than"} or {@code "at least"}. */
    Relation relation(String key) {
        String v = text(key);
        Relation r = Relation.parse(v);
        if (r == null) {
            throw error("kwarg " + key + ": expected 'less than' or 'at least', got '" + v + "'");
        }
        return r;
    }

    NemotronException error(String problem) {
        return new NemotronException("ifeval instruction '" + instruction + "': " + problem);
    }
}
