package dev.nemotron.arch.layer;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.arch.config.ConfigException;

/** Field checks shared by the built-in layer factories; every message names the field. */
public final class ConfigChecks {
    private ConfigChecks() {
    }

    /** The positive integer {@code field}, or an error naming it and the layer that needs it. */
    public static int positive(LayerContext layer, String field) {
        ModelConfigView c = layer.config();
        if (!c.has(field)) {
            throw new ConfigException(c.source() + ": missing field '" + field + "' (needed by layer "
                    + layer.index() + ", '" + layer.symbol() + "')");
        }
        int v = c.getInt(field);
        if (v <= 0) {
            throw new ConfigException(c.source() + ": field '" + field + "' must be positive, got " + v);
        }
        return v;
    }

    /** The positive integer {@code field}, or {@code defaultValue} when the config lacks it. */
    public static int positiveOr(LayerContext layer, String field, int defaultValue) {
        return layer.config().has(field) ? positive(layer, field) : defaultValue;
    }

    /** Fails unless {@code a % b == 0}, naming both fields. */
    public static void divisible(LayerContext layer, String fieldA, int a, String fieldB, int b) {
        if (a % b != 0) {
            throw new ConfigException(layer.config().source() + ": " + fieldA + " (" + a + ") must be divisible by "
                    + fieldB + " (" + b + ")");
        }
    }
}
