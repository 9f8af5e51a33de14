package dev.nemotron.api.options;

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
import java.util.function.Function;

/**
 * A typed reader of named options: the fields of a JSON object (a spec entry, a task's option
 * map) as JSON values ({@code null}, {@link String}, {@link Boolean}, {@link Number},
 * {@code List}, {@code Map}), with getters whose errors name the source and the field:
 *
 * <pre>stage 'pretrain': field 'steps' must be an integer, got "abc"</pre>
 *
 * <p>A field set to {@code null} counts as absent. Numbers may also be written as strings that
 * parse as numbers ({@code "3e-4"}: YAML reads an exponent without a decimal point as a string).
 * {@link #requireOnly} rejects a field that is not known, suggesting the closest known one
 * ("did you mean"); {@link #unknownWarnings} gives the same as warnings for sources whose
 * unknown fields are tolerated.
 */
public class Options {
    private final String source;
    private final Map<String, Object> values;

    /** Options already copied by {@link JsonValues#copyMap} (for subclasses naming their source their own way). */
    protected Options(String source, Map<String, Object> values) {
        this.source = source;
        this.values = values;
    }

    /**
     * The options {@code values} read from {@code source} (copied; insertion order kept).
     *
     * @param source names where the options come from in every error, e.g. {@code "stage 'pretrain'"}
     * @throws IllegalArgumentException when a value is not a JSON value
     */
    public static Options of(String source, Map<String, ?> values) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(values, "values");
        return new Options(source, JsonValues.copyMap(values, source + ": field"));
    }

    /** Where these options come from, as errors name it. */
    public String source() {
        return source;
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

    /**
     * A number written as text ({@code "0.9"}, {@code " 1e-8 "}), as string-valued options (an
     * optimizer's, a reward's) carry them; it must be finite.
     *
     * @param error makes the exception from the problem ({@code not a number: 'abc'} or
     *              {@code not finite: 'NaN'}), so each caller keeps its own message prefix
     */
    public static double parseFiniteDouble(String text, Function<String, ? extends RuntimeException> error) {
        double d;
        try {
            d = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw error.apply("not a number: '" + text + "'");
        }
        if (!Double.isFinite(d)) {
            throw error.apply("not finite: '" + text + "'");
        }
        return d;
    }

    // ---- checks and errors

    /**
     * Fails on any field not in {@code known}, so a misspelt field is not silently ignored.
     *
     * @throws NemotronException {@code stage 'x': unknown field 'stepz' (known: lr, steps); did you mean 'steps'?}
     */
    public void requireOnly(Collection<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw error(unknownFields(unknown, known));
        }
    }

    /**
     * One warning per field not in {@code known}, each with the closest known field if one is
     * near: {@code config.json: unknown field 'layer_norm_epsilom' (ignored); did you mean
     * 'layer_norm_epsilon'?}. For sources that may carry fields the SDK does not read.
     */
    public List<String> unknownWarnings(Collection<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        List<String> out = new ArrayList<>();
        for (String u : unknown) {
            out.add(source + ": unknown field '" + u + "' (ignored)" + Suggestions.didYouMean(u, known));
        }
        return out;
    }

    /**
     * The text of an unknown-fields error without the source: {@code unknown field 'stepz'
     * (known: lr, steps); did you mean 'steps'?}.
     */
    public static String unknownFields(Collection<String> unknown, Collection<String> known) {
        StringBuilder b = new StringBuilder();
        b.append(unknown.size() == 1 ? "unknown field '" + unknown.iterator().next() + "'" : "unknown fields " + quoted(unknown));
        b.append(" (known: ").append(String.join(", ", new TreeSet<>(known))).append(')');
        b.append(Suggestions.didYouMean(unknown, known));
        return b.toString();
    }

    /**
     * An error about the field {@code key}: {@code SOURCE: field 'key' } followed by
     * {@code problem}, e.g. {@code invalid("steps", "must be positive, got 0")}.
     */
    public NemotronException invalid(String key, String problem) {
        return error("field '" + key + "' " + problem);
    }

    /** An error about these options: {@code SOURCE: } followed by {@code message}. */
    public NemotronException error(String message) {
        return new NemotronException(source + ": " + message);
    }

    /** The missing-field error: {@code SOURCE: missing field 'key'}. */
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
        return source + " " + JsonValues.describe(values);
    }
}
