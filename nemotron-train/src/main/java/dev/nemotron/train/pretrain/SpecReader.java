package dev.nemotron.train.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.options.Suggestions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, checked reads of a JSON object's fields, with errors that name the source and the field
 * ("pretrain spec: field 'steps' must be a positive integer, got \"abc\"").
 */
final class SpecReader {
    private final JsonNode node;
    private final String source;
    private final Path baseDir;

    SpecReader(JsonNode node, String source, Path baseDir) {
        if (node == null || !node.isObject()) {
            throw new NemotronException(source + ": expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        this.node = node;
        this.source = source;
        this.baseDir = baseDir;
    }

    String source() {
        return source;
    }

    /** Rejects fields not in {@code known}, listing the known ones. */
    void requireOnly(Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new NemotronException(source + ": unknown field '" + f + "'; known fields: " + String.join(", ", new TreeSet<>(known))
                        + Suggestions.didYouMean(f, known));
            }
        }
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    JsonNode raw(String field) {
        return node.get(field);
    }

    private NemotronException bad(String field, String want) {
        return new NemotronException(source + ": field '" + field + "' must be " + want + ", got " + node.get(field));
    }

    private NemotronException missing(String field) {
        return new NemotronException(source + ": missing required field '" + field + "'");
    }

    long positiveLong(String field, Long dflt) {
        if (!has(field)) {
            if (dflt == null) {
                throw missing(field);
            }
            return dflt;
        }
        JsonNode v = node.get(field);
        long x;
        if (v.canConvertToExactIntegral() && v.canConvertToLong()) {
            x = v.asLong();
        } else if (v.isTextual() && v.asText().matches("[0-9]+")) {
            x = Long.parseLong(v.asText());
        } else {
            throw bad(field, "a positive integer");
        }
        if (x < 1) {
            throw bad(field, "a positive integer");
        }
        return x;
    }

    long nonNegativeLong(String field, long dflt) {
        if (!has(field)) {
            return dflt;
        }
        JsonNode v = node.get(field);
        if (!(v.canConvertToExactIntegral() && v.canConvertToLong() && v.asLong() >= 0)
                && !(v.isTextual() && v.asText().matches("[0-9]+"))) {
            throw bad(field, "an integer >= 0");
        }
        return v.isTextual() ? Long.parseLong(v.asText()) : v.asLong();
    }

    int positiveInt(String field, Integer dflt) {
        long x = positiveLong(field, dflt == null ? null : dflt.longValue());
        if (x > Integer.MAX_VALUE) {
            throw bad(field, "an integer below 2^31");
        }
        return (int) x;
    }

    double number(String field, double dflt, double min, double max) {
        if (!has(field)) {
            return dflt;
        }
        JsonNode v = node.get(field);
        double x;
        if (v.isNumber()) {
            x = v.asDouble();
        } else if (v.isTextual()) {
            try {
                x = Double.parseDouble(v.asText());
            } catch (NumberFormatException e) {
                throw bad(field, "a number");
            }
        } else {
            throw bad(field, "a number");
        }
        if (!(x >= min && x <= max)) {
            throw bad(field, "a number in [" + min + ", " + max + "]");
        }
        return x;
    }

    boolean bool(String field, boolean dflt) {
        if (!has(field)) {
            return dflt;
        }
        JsonNode v = node.get(field);
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw bad(field, "true or false");
    }

    String text(String field, String dflt) {
        if (!has(field)) {
            if (dflt == null) {
                throw missing(field);
            }
            return dflt;
        }
        JsonNode v = node.get(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw bad(field, "a non-empty string");
        }
        return v.asText();
    }

    /** A path, relative ones resolved against the spec's base directory; null when absent. */
    Path path(String field) {
        return has(field) ? resolve(text(field, null)) : null;
    }

    Path resolve(String p) {
        Path path = Path.of(p);
        return (path.isAbsolute() || baseDir == null ? path : baseDir.resolve(path)).normalize();
    }

    /** A list field; a single value counts as a list of one. */
    List<JsonNode> list(String field) {
        List<JsonNode> out = new ArrayList<>();
        if (!has(field)) {
            return out;
        }
        JsonNode v = node.get(field);
        if (v.isArray()) {
            v.forEach(out::add);
        } else {
            out.add(v);
        }
        return out;
    }
}
