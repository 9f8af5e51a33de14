package dev.nemotron.api.options;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as plain Java objects: {@code null}, {@link String}, {@link Boolean}, a
 * {@link Number} ({@code Integer}, {@code Long}, {@code BigInteger}, {@code Double},
 * {@code BigDecimal}), {@code List} of values, {@code Map} from strings to values. Copies are
 * immutable and keep the order of map entries.
 */
public final class JsonValues {
    private static final int MAX_DESCRIPTION = 80;

    private JsonValues() {
    }

    /**
     * An immutable deep copy of the map {@code map}, whose keys must be strings; see
     * {@link #copy} for the values.
     *
     * @param label names the map's entries in error messages, e.g. {@code "summary value"} gives
     *              {@code summary value 'loss' is a java.lang.Object; use ...}
     * @throws IllegalArgumentException for a key that is not a string or a value that is not JSON
     */
    public static Map<String, Object> copyMap(Map<?, ?> map, String label) {
        return copyMap(map, label, "");
    }

    /**
     * An immutable deep copy of {@code value}; a {@link Path} becomes its string, {@code Float},
     * {@code Short} and {@code Byte} widen to {@code Double} and {@code Integer}.
     */
    private static Object copy(Object value, String label, String path) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> i;
            case Long l -> l;
            case Double d -> d;
            case BigInteger b -> b;
            case BigDecimal b -> b;
            case Float f -> f.doubleValue();
            case Short s -> s.intValue();
            case Byte b -> b.intValue();
            case Path p -> p.toString();
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    out.add(copy(list.get(i), label, path + "[" + i + "]"));
                }
                yield Collections.unmodifiableList(out);
            }
            case Map<?, ?> map -> copyMap(map, label, path + ".");
            default -> throw new IllegalArgumentException(label + " '" + path + "' is a " + value.getClass().getName()
                    + "; use a string, number, boolean, list, map or null");
        };
    }

    private static Map<String, Object> copyMap(Map<?, ?> map, String label, String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException(label + " '" + prefix + e.getKey() + "': the key is not a string");
            }
            out.put(key, copy(e.getValue(), label, prefix + key));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The value as a person reads it in an error message: strings quoted as in JSON, lists and
     * maps in brackets, cut at 80 characters.
     */
    public static String describe(Object value) {
        String s = render(value);
        return s.length() <= MAX_DESCRIPTION ? s : s.substring(0, MAX_DESCRIPTION - 3) + "...";
    }

    private static String render(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> quote(s);
            case List<?> list -> {
                List<String> parts = new ArrayList<>();
                list.forEach(v -> parts.add(render(v)));
                yield "[" + String.join(", ", parts) + "]";
            }
            case Map<?, ?> map -> {
                List<String> parts = new ArrayList<>();
                map.forEach((k, v) -> parts.add(quote(String.valueOf(k)) + ": " + render(v)));
                yield "{" + String.join(", ", parts) + "}";
            }
            default -> value.toString();
        };
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
