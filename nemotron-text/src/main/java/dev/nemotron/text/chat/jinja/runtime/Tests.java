package dev.nemotron.text.chat.jinja.runtime;

import java.util.List;
import java.util.Map;

/** Jinja's built-in tests ({@code x is defined}, {@code x is string}, …). */
final class Tests {
    private Tests() {
    }

    static boolean apply(String name, Object v, List<Object> args) {
        Object arg = args.isEmpty() ? null : args.get(0);
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "string" -> v instanceof String;
            case "number" -> v instanceof Long || v instanceof Double;
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "mapping" -> v instanceof Map<?, ?>;
            case "sequence" -> v instanceof List<?> || v instanceof String || v instanceof Map<?, ?>;
            case "iterable" -> v instanceof List<?> || v instanceof String || v instanceof Map<?, ?>;
            case "callable" -> v instanceof JinjaCallable;
            case "odd" -> Values.toLong(v) % 2 != 0;
            case "even" -> Values.toLong(v) % 2 == 0;
            case "divisibleby" -> Values.toLong(v) % Values.toLong(arg) == 0;
            case "lower" -> v instanceof String s && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            case "upper" -> v instanceof String s && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            case "sameas" -> v == arg || v != null && v.equals(arg) && v.getClass() == arg.getClass();
            case "eq", "equalto", "==" -> Values.equal(v, arg);
            case "ne", "!=" -> !Values.equal(v, arg);
            case "lt", "lessthan", "<" -> Values.compare(v, arg) < 0;
            case "le", "<=" -> Values.compare(v, arg) <= 0;
            case "gt", "greaterthan", ">" -> Values.compare(v, arg) > 0;
            case "ge", ">=" -> Values.compare(v, arg) >= 0;
            case "in" -> Operators.contains(arg, v);
            default -> throw new RenderFailure("no test named '" + name + "'");
        };
    }
}
