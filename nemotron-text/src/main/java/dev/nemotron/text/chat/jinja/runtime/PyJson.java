package dev.nemotron.text.chat.jinja.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(x, ensure_ascii=False)} — what HF's {@code tojson} filter produces:
 * {@code ", "} and {@code ": "} separators on one line, or newlines and {@code ","} with an indent.
 */
public final class PyJson {
    private PyJson() {
    }

    /** Serializes {@code value}; {@code indent < 0} means one line. */
    public static String dumps(Object value, int indent, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, indent, sortKeys, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, boolean sortKeys, int depth) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b ? "true" : "false");
            case Double d -> sb.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity")
                    : PyFloats.repr(d));
            case Number n -> sb.append(n.toString());
            case List<?> list -> {
                if (list.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    separator(sb, i, indent, depth + 1);
                    write(sb, list.get(i), indent, sortKeys, depth + 1);
                }
                close(sb, indent, depth).append(']');
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                List<Object> keys = new ArrayList<>(map.keySet());
                if (sortKeys) {
                    keys.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
                }
                sb.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    separator(sb, i, indent, depth + 1);
                    quote(sb, keys.get(i) instanceof String s ? s : Values.str(keys.get(i)));
                    sb.append(": ");
                    write(sb, map.get(keys.get(i)), indent, sortKeys, depth + 1);
                }
                close(sb, indent, depth).append('}');
            }
            default -> throw new RenderFailure("Object of type " + Values.typeName(v) + " is not JSON serializable");
        }
    }

    private static void separator(StringBuilder sb, int i, int indent, int depth) {
        if (i > 0) {
            sb.append(indent < 0 ? ", " : ",");
        }
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static StringBuilder close(StringBuilder sb, int indent, int depth) {
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
        return sb;
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
