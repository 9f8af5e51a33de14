package dev.nemotron.text.chat.jinja.runtime;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python semantics for template values: {@link String}, {@link Long}, {@link Double},
 * {@link Boolean}, {@code null} (None), {@link List}, {@link Map}, {@link Undefined},
 * {@link Namespace} and callables.
 */
public final class Values {
    private Values() {
    }

    /** Python truthiness. */
    public static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Undefined u -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /** Python's {@code str(v)}; undefined prints as nothing. */
    public static String str(Object v) {
        return switch (v) {
            case null -> "None";
            case Undefined u -> "";
            case String s -> s;
            case Boolean b -> b ? "True" : "False";
            case Double d -> PyFloats.repr(d);
            default -> v instanceof List<?> || v instanceof Map<?, ?> ? repr(v) : v.toString();
        };
    }

    /** Python's {@code repr(v)}. */
    public static String repr(Object v) {
        switch (v) {
            case String s -> {
                return PyStrings.repr(s);
            }
            case List<?> list -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(repr(list.get(i)));
                }
                return sb.append(']').toString();
            }
            case Map<?, ?> map -> {
                StringBuilder sb = new StringBuilder("{");
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append(i++ == 0 ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                }
                return sb.append('}').toString();
            }
            case null, default -> {
                return str(v);
            }
        }
    }

    /** The Python type name, for error messages. */
    public static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Undefined u -> "Undefined";
            case String s -> "str";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Namespace n -> "Namespace";
            default -> "function";
        };
    }

    /** Whether {@code v} is an int or a bool (Python's bool is an int). */
    static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static long toLong(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new RenderFailure("'" + typeName(v) + "' object cannot be interpreted as an integer");
    }

    static double toDouble(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    /** Python {@code ==}. */
    public static boolean equal(Object a, Object b) {
        if (a instanceof Undefined || b instanceof Undefined) {
            return a instanceof Undefined && b instanceof Undefined;
        }
        if (isNumber(a) && isNumber(b)) {
            return isIntegral(a) && isIntegral(b) ? toLong(a) == toLong(b) : toDouble(a) == toDouble(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }

    /** Python ordering ({@code <} and friends) of numbers, strings and lists. */
    public static int compare(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return isIntegral(a) && isIntegral(b) ? Long.compare(toLong(a), toLong(b))
                    : Double.compare(toDouble(a), toDouble(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                int c = compare(x.get(i), y.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw new RenderFailure("cannot compare " + typeName(a) + " with " + typeName(b));
    }

    /** The items a for loop or a filter iterates: list items, dict keys, string characters. */
    public static List<Object> iterate(Object v) {
        switch (v) {
            case Undefined u -> {
                return List.of();
            }
            case List<?> l -> {
                return new ArrayList<>(l);
            }
            case Map<?, ?> m -> {
                return new ArrayList<>(m.keySet());
            }
            case String s -> {
                List<Object> chars = new ArrayList<>();
                for (Iterator<Integer> it = s.codePoints().iterator(); it.hasNext(); ) {
                    chars.add(Character.toString(it.next()));
                }
                return chars;
            }
            case null, default -> throw new RenderFailure("'" + typeName(v) + "' object is not iterable");
        }
    }

    /** Python's {@code len}. */
    public static long length(Object v) {
        return switch (v) {
            case Undefined u -> 0;
            case String s -> s.codePointCount(0, s.length());
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case null, default -> throw new RenderFailure("object of type '" + typeName(v) + "' has no len()");
        };
    }
}
