package dev.nemotron.api.pipeline;

import dev.nemotron.api.NemotronException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameters of one stage: the fields of its spec entry other than {@code name} and
 * {@code type}, as JSON values ({@code null}, {@link String}, {@link Boolean}, {@link Number},
 * {@code List}, {@code Map}), with typed getters whose errors name the stage and the field:
 *
 * <pre>stage 'pretrain': field 'steps' must be an integer, got "abc"</pre>
 *
 * <p>A field set to {@code null} counts as absent. Numbers may also be written as strings that
 * parse as numbers ({@code "3e-4"}: YAML reads an exponent without a decimal point as a string).
 * Paths are plain strings; resolve them with {@link StageContext#resolve(String)}.
 */
public final class StageParams {
    private final String stage;
    private final Map<String, Object> values;

    private StageParams(String stage, Map<String, Object> values) {
        this.stage = stage;
        this.values = values;
    }

    /**
     * The parameters {@code values} of the stage named {@code stage} (copied; insertion order
     * kept).
     *
     * @throws IllegalArgumentException when a value is not a JSON value
     */
    public static StageParams of(String stage, Map<String, ?> values) {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(values, "values");
        return new StageParams(stage, JsonValues.copyMap(values, "stage '" + stage + "': field"));
    }

    /** The name of the stage these parameters belong to. */
    public String stage() {
        return stage;
    }

    /** Every field, in spec order (immutable). */
    public Map<String, Object> asMap() {
        return values;
    }

    /** Whether {@code key} is present and not {@code null}. */
    public boolean has(String key) {
        return values.get(key) != null;
    }

    /** The raw value of {@code key}, if present and not null. */
    public Optional<Object> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    // ---- strings

    /** The required string field {@code key}. */
    public String string(String key) {
        return optionalString(key).orElseThrow(() -> missing(key));
    }

    /** The string field {@code key}, or {@code defaultValue} when absent. */
    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    /** The string field {@code key}, if present. */
    public Optional<String> optionalString(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw mistyped(key, "a string", v);
    }

    /**
     * The field {@code key} as a list of strings; a single string counts as a list of one, so
     * {@code text: a.txt} and {@code text: [a.txt, b.txt]} both work.
     *
     * @return an empty list when absent
     */
    public List<String> strings(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw mistyped(key, "a list of strings", v);
                }
                out.add(s);
            }
            return Collections.unmodifiableList(out);
        }
        throw mistyped(key, "a string or a list of strings", v);
    }

    // ---- booleans

    /** The boolean field {@code key} ({@code true} or {@code false}), or {@code defaultValue} when absent. */
    public boolean bool(String key, boolean defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw mistyped(key, "true or false", v);
    }

    // ---- integers

    /** The required integer field {@code key} (within {@code int}). */
    public int integer(String key) {
        return optionalInteger(key).orElseThrow(() -> missing(key));
    }

    /** The integer field {@code key} (within {@code int}), or {@code defaultValue} when absent. */
    public int integer(String key, int defaultValue) {
        return optionalInteger(key).orElse(defaultValue);
    }

    /** The integer field {@code key} (within {@code int}), if present. */
    public OptionalInt optionalInteger(String key) {
        OptionalLong v = optionalLong(key);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        long l = v.getAsLong();
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw invalid(key, "must be an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
                    + ", got " + JsonValues.describe(values.get(key)));
        }
        return OptionalInt.of((int) l);
    }

    /** The integer field {@code key} (within {@code long}), or {@code defaultValue} when absent. */
    public long longInteger(String key, long defaultValue) {
        return optionalLong(key).orElse(defaultValue);
    }

    /** The integer field {@code key} (within {@code long}), if present. */
    public OptionalLong optionalLong(String key) {
        Object v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        BigDecimal d = decimal(v);
        if (d == null) {
            throw mistyped(key, "an integer", v);
        }
        try {
            return OptionalLong.of(d.longValueExact());
        } catch (ArithmeticException e) {
            throw mistyped(key, d.stripTrailingZeros().scale() > 0 ? "an integer" : "an integer within 64 bits", v);
        }
    }

    // ---- numbers

    /** The number field {@code key} (finite), or {@code defaultValue} when absent. */
    public double number(String key, double defaultValue) {
        return optionalNumber(key).orElse(defaultValue);
    }

    /** The required number field {@code key} (finite). */
    public double number(String key) {
        return optionalNumber(key).orElseThrow(() -> missing(key));
    }

    /** The number field {@code key} (finite), if present. */
    public OptionalDouble optionalNumber(String key) {
        Object v = values.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            BigDecimal parsed = decimal(v);
            if (parsed == null) {
                throw mistyped(key, "a number", v);
            }
            d = parsed.doubleValue();
        }
        if (!Double.isFinite(d)) {
            throw mistyped(key, "a finite number", v);
        }
        return OptionalDouble.of(d);
    }

    // ---- checks and errors

    /**
     * Fails on any field not in {@code known}, so a misspelt field is not silently ignored.
     *
     * @throws NemotronException {@code stage 'x': unknown field 'stepz' (known: lr, steps)}
     */
    public void requireOnly(Collection<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw error((unknown.size() == 1 ? "unknown field '" + unknown.iterator().next() + "'"
                    : "unknown fields " + quoted(unknown)) + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
    }

    /**
     * An error about the field {@code key}: {@code stage 'x': field 'key' } followed by
     * {@code problem}, e.g. {@code invalid("steps", "must be positive, got 0")}.
     */
    public NemotronException invalid(String key, String problem) {
        return error("field '" + key + "' " + problem);
    }

    /** An error about this stage: {@code stage 'x': } followed by {@code message}. */
    public NemotronException error(String message) {
        return new NemotronException("stage '" + stage + "': " + message);
    }

    /** The missing-field error: {@code stage 'x': missing field 'key'}. */
    public NemotronException missing(String key) {
        return error("missing field '" + key + "'");
    }

    /** {@code value} as it appears in error messages (strings quoted, long values cut). */
    public static String describe(Object value) {
        return JsonValues.describe(value);
    }

    private NemotronException mistyped(String key, String expected, Object got) {
        return invalid(key, "must be " + expected + ", got " + JsonValues.describe(got));
    }

    /** {@code v} as an exact decimal: a number, or a string that parses as one; null otherwise. */
    private static BigDecimal decimal(Object v) {
        try {
            return switch (v) {
                case Integer i -> BigDecimal.valueOf(i);
                case Long l -> BigDecimal.valueOf(l);
                case BigInteger b -> new BigDecimal(b);
                case BigDecimal b -> b;
                case Double d -> Double.isFinite(d) ? new BigDecimal(d) : null;
                case String s -> s.isBlank() ? null : new BigDecimal(s.strip());
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String quoted(Collection<String> names) {
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add("'" + n + "'"));
        return String.join(", ", out);
    }

    @Override
    public String toString() {
        return "stage '" + stage + "' " + JsonValues.describe(values);
    }
}
