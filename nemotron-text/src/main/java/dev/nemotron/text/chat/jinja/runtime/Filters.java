package dev.nemotron.text.chat.jinja.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Jinja's built-in filters as HF chat templates use them ({@code tojson} is HF's, not Jinja's HTML-safe one). */
final class Filters {
    private Filters() {
    }

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        Object arg0 = args.isEmpty() ? null : args.get(0);
        if (v instanceof Undefined u && !name.equals("default") && !name.equals("d") && !name.equals("length")
                && !name.equals("count") && !name.equals("string") && !name.equals("list")) {
            throw u.fail();
        }
        return switch (name) {
            case "tojson" -> tojson(v, args, kwargs);
            case "length", "count" -> Values.length(v);
            case "default", "d" -> defaultFilter(v, args, kwargs);
            case "string" -> Values.str(v);
            case "trim" -> PyStrings.strip(Values.str(v), arg0 == null ? null : Values.str(arg0));
            case "upper" -> Values.str(v).toUpperCase(Locale.ROOT);
            case "lower" -> Values.str(v).toLowerCase(Locale.ROOT);
            case "title" -> PyStrings.title(Values.str(v));
            case "capitalize" -> PyStrings.capitalize(Values.str(v));
            case "replace" -> Values.str(v).replace(Values.str(arg0), Values.str(args.get(1)));
            case "join" -> join(v, arg0 == null ? "" : Values.str(arg0), kwargs.get("attribute"));
            case "first" -> Values.iterate(v).isEmpty() ? new Undefined("no first item") : Values.iterate(v).getFirst();
            case "last" -> Values.iterate(v).isEmpty() ? new Undefined("no last item") : Values.iterate(v).getLast();
            case "list" -> Values.iterate(v);
            case "reverse" -> v instanceof String s ? new StringBuilder(s).reverse().toString()
                    : Values.iterate(v).reversed();
            case "int" -> toInt(v);
            case "float" -> toFloat(v);
            case "abs" -> v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Values.toLong(v));
            case "items" -> Methods.bind(v, "items").call(List.of(), Map.of());
            case "map" -> map(v, args, kwargs);
            case "select", "reject" -> select(v, null, args, name.equals("select"));
            case "selectattr", "rejectattr" -> select(v, Values.str(arg0), args.subList(1, args.size()),
                    name.equals("selectattr"));
            case "unique" -> unique(v);
            case "sum" -> sum(v);
            case "min", "max" -> extreme(v, name.equals("min"));
            case "sort" -> sort(v, kwargs);
            case "safe", "e", "escape" -> v;
            case "indent" -> indent(Values.str(v), arg0 == null ? 4 : (int) Values.toLong(arg0));
            default -> throw new RenderFailure("no filter named '" + name + "'");
        };
    }

    private static String tojson(Object v, List<Object> args, Map<String, Object> kwargs) {
        Object indent = kwargs.getOrDefault("indent", args.isEmpty() ? null : args.get(0));
        boolean sortKeys = Values.truthy(kwargs.get("sort_keys"));
        return PyJson.dumps(v, indent == null ? -1 : (int) Values.toLong(indent), sortKeys);
    }

    private static Object defaultFilter(Object v, List<Object> args, Map<String, Object> kwargs) {
        Object fallback = args.isEmpty() ? kwargs.getOrDefault("default_value", "") : args.get(0);
        boolean byTruth = Values.truthy(args.size() > 1 ? args.get(1) : kwargs.get("boolean"));
        boolean useFallback = v instanceof Undefined || byTruth && !Values.truthy(v);
        return useFallback ? fallback : v;
    }

    private static String join(Object v, String sep, Object attribute) {
        StringBuilder sb = new StringBuilder();
        List<Object> items = Values.iterate(v);
        for (int i = 0; i < items.size(); i++) {
            Object item = attribute == null ? items.get(i) : Access.item(items.get(i), attribute);
            sb.append(i == 0 ? "" : sep).append(Values.str(item));
        }
        return sb.toString();
    }

    private static Object toInt(Object v) {
        try {
            return switch (v) {
                case Double d -> (long) d.doubleValue();
                case String s -> Long.parseLong(s.strip());
                default -> Values.toLong(v);
            };
        } catch (RuntimeException e) {
            return 0L;
        }
    }

    private static Object toFloat(Object v) {
        try {
            return v instanceof String s ? Double.parseDouble(s.strip()) : Values.toDouble(v);
        } catch (RuntimeException e) {
            return 0.0;
        }
    }

    private static List<Object> map(Object v, List<Object> args, Map<String, Object> kwargs) {
        List<Object> out = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            if (kwargs.containsKey("attribute")) {
                Object got = Access.item(item, kwargs.get("attribute"));
                out.add(got instanceof Undefined && kwargs.containsKey("default") ? kwargs.get("default") : got);
            } else {
                out.add(apply(Values.str(args.get(0)), item, args.subList(1, args.size()), Map.of()));
            }
        }
        return out;
    }

    private static List<Object> select(Object v, String attribute, List<Object> testArgs, boolean keep) {
        List<Object> out = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            Object subject = attribute == null ? item : Access.item(item, attribute);
            boolean pass = testArgs.isEmpty() ? Values.truthy(subject)
                    : Tests.apply(Values.str(testArgs.get(0)), subject, testArgs.subList(1, testArgs.size()));
            if (pass == keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static List<Object> unique(Object v) {
        List<Object> out = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            if (out.stream().noneMatch(x -> Values.equal(x, item))) {
                out.add(item);
            }
        }
        return out;
    }

    private static Object sum(Object v) {
        Object total = 0L;
        for (Object item : Values.iterate(v)) {
            total = Operators.apply("+", total, item);
        }
        return total;
    }

    private static Object extreme(Object v, boolean min) {
        List<Object> items = Values.iterate(v);
        if (items.isEmpty()) {
            return new Undefined("no " + (min ? "min" : "max") + " of an empty sequence");
        }
        Object best = items.getFirst();
        for (Object item : items) {
            int c = Values.compare(item, best);
            if (min ? c < 0 : c > 0) {
                best = item;
            }
        }
        return best;
    }

    private static List<Object> sort(Object v, Map<String, Object> kwargs) {
        List<Object> items = Values.iterate(v);
        Object attribute = kwargs.get("attribute");
        items.sort((a, b) -> attribute == null ? Values.compare(a, b)
                : Values.compare(Access.item(a, attribute), Access.item(b, attribute)));
        if (Values.truthy(kwargs.get("reverse"))) {
            return items.reversed();
        }
        return items;
    }

    private static String indent(String s, int width) {
        String pad = " ".repeat(width);
        return s.replace("\n", "\n" + pad);
    }
}
