package dev.nemotron.arch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.layer.ModelConfigView;
import java.util.Optional;

/**
 * {@link ModelConfigView} over the JSON tree of a {@code config.json}. Numbers may be written as
 * JSON numbers, as the non-standard {@code Infinity}/{@code NaN} literals real HF configs contain,
 * or as {@code {"__float__": "Infinity"}} objects (as some serialisers write them).
 */
final class JsonConfigView implements ModelConfigView {
    private final ObjectNode root;
    private final String source;

    JsonConfigView(ObjectNode root, String source) {
        this.root = root;
        this.source = source;
    }

    ObjectNode root() {
        return root;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int hiddenSize() {
        return getInt("hidden_size");
    }

    @Override
    public double normEpsilon() {
        if (has("layer_norm_epsilon")) {
            return getDouble("layer_norm_epsilon");
        }
        if (has("rms_norm_eps")) {
            return getDouble("rms_norm_eps");
        }
        return 1e-5;
    }

    @Override
    public boolean has(String field) {
        JsonNode n = root.get(field);
        return n != null && !n.isNull();
    }

    private JsonNode require(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new ConfigException(source + ": missing field '" + field + "'");
        }
        return n;
    }

    @Override
    public int getInt(String field) {
        JsonNode n = require(field);
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.intValue();
        }
        if (n.isNumber() && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < Integer.MAX_VALUE) {
            return (int) n.doubleValue();
        }
        throw new ConfigException(source + ": field '" + field + "' must be an integer, got " + n);
    }

    @Override
    public double getDouble(String field) {
        return toDouble(field, require(field));
    }

    private double toDouble(String field, JsonNode n) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isObject() && n.has("__float__") && n.get("__float__").isTextual()) {
            try {
                return Double.parseDouble(n.get("__float__").textValue());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        if (n.isTextual()) {
            String t = n.textValue();
            if (t.equals("Infinity") || t.equals("-Infinity") || t.equals("NaN")) {
                return Double.parseDouble(t);
            }
        }
        throw new ConfigException(source + ": field '" + field + "' must be a number, got " + n);
    }

    @Override
    public boolean getBoolean(String field, boolean defaultValue) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isBoolean()) {
            throw new ConfigException(source + ": field '" + field + "' must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    @Override
    public Optional<double[]> getDoubles(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode n = root.get(field);
        if (!n.isArray()) {
            throw new ConfigException(source + ": field '" + field + "' must be an array of numbers, got " + n);
        }
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toDouble(field + "[" + i + "]", n.get(i));
        }
        return Optional.of(out);
    }

    @Override
    public Optional<String> getString(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw new ConfigException(source + ": field '" + field + "' must be a string, got " + n);
        }
        return Optional.of(n.textValue());
    }
}
