package dev.nemotron.text.chat.jinja.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The Python methods of {@code str}, {@code list} and {@code dict} that chat templates call. */
final class Methods {
    private static final Set<String> STRING_METHODS = Set.of("strip", "lstrip", "rstrip", "split", "rsplit",
            "startswith", "endswith", "replace", "upper", "lower", "title", "capitalize", "find", "rfind", "count",
            "join", "splitlines", "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper",
            "removeprefix", "removesuffix");
    private static final Set<String> LIST_METHODS = Set.of("index", "count");

    private Methods() {
    }

    static boolean isStringMethod(String name) {
        return STRING_METHODS.contains(name);
    }

    static boolean isListMethod(String name) {
        return LIST_METHODS.contains(name);
    }

    /** The method {@code name} bound to {@code receiver}. */
    static JinjaCallable bind(Object receiver, String name) {
        return (args, kwargs) -> switch (receiver) {
            case String s -> string(s, name, args);
            case Map<?, ?> m -> dict(m, name, args);
            case List<?> l -> list(l, name, args);
            default -> throw new RenderFailure("no method " + name);
        };
    }

    private static Object arg(List<Object> args, int i) {
        return i < args.size() ? args.get(i) : null;
    }

    private static String optString(List<Object> args, int i) {
        Object v = arg(args, i);
        if (v != null && !(v instanceof String)) {
            throw new RenderFailure("expected a string argument, got " + Values.typeName(v));
        }
        return (String) v;
    }

    private static String string(List<Object> args, int i, String method) {
        if (!(arg(args, i) instanceof String s)) {
            throw new RenderFailure(method + "() needs a string argument, got " + Values.typeName(arg(args, i)));
        }
        return s;
    }

    private static Object string(String s, String name, List<Object> args) {
        return switch (name) {
            case "strip" -> PyStrings.strip(s, optString(args, 0));
            case "lstrip" -> PyStrings.lstrip(s, optString(args, 0));
            case "rstrip" -> PyStrings.rstrip(s, optString(args, 0));
            case "split" -> PyStrings.split(s, optString(args, 0), maxsplit(args));
            case "rsplit" -> PyStrings.rsplit(s, optString(args, 0), maxsplit(args));
            case "startswith" -> affix(s, arg(args, 0), true);
            case "endswith" -> affix(s, arg(args, 0), false);
            case "replace" -> replace(s, string(args, 0, name), string(args, 1, name), arg(args, 2));
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> PyStrings.title(s);
            case "capitalize" -> PyStrings.capitalize(s);
            case "find" -> (long) s.indexOf(string(args, 0, name));
            case "rfind" -> (long) s.lastIndexOf(string(args, 0, name));
            case "count" -> count(s, string(args, 0, name));
            case "join" -> join(s, arg(args, 0));
            case "splitlines" -> new ArrayList<Object>(s.lines().toList());
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(c -> PyStrings.isSpace((char) c));
            case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
            case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
            case "removeprefix" -> s.startsWith(string(args, 0, name)) ? s.substring(string(args, 0, name).length()) : s;
            case "removesuffix" -> s.endsWith(string(args, 0, name))
                    ? s.substring(0, s.length() - string(args, 0, name).length()) : s;
            default -> throw new RenderFailure("str has no method " + name);
        };
    }

    private static int maxsplit(List<Object> args) {
        Object v = arg(args, 1);
        return v == null ? -1 : (int) Values.toLong(v);
    }

    private static boolean affix(String s, Object what, boolean prefix) {
        if (what instanceof List<?> options) {
            return options.stream().anyMatch(o -> affix(s, o, prefix));
        }
        if (!(what instanceof String t)) {
            throw new RenderFailure((prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str");
        }
        return prefix ? s.startsWith(t) : s.endsWith(t);
    }

    private static String replace(String s, String old, String replacement, Object count) {
        if (count == null || Values.toLong(count) < 0) {
            return s.replace(old, replacement);
        }
        String out = s;
        int from = 0;
        for (long n = Values.toLong(count); n > 0; n--) {
            int at = out.indexOf(old, from);
            if (at < 0) {
                break;
            }
            out = out.substring(0, at) + replacement + out.substring(at + old.length());
            from = at + replacement.length();
        }
        return out;
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String sep, Object items) {
        StringBuilder sb = new StringBuilder();
        List<Object> list = Values.iterate(items);
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String item)) {
                throw new RenderFailure("sequence item " + i + ": expected str instance, "
                        + Values.typeName(list.get(i)) + " found");
            }
            sb.append(i == 0 ? "" : sep).append(item);
        }
        return sb.toString();
    }

    private static Object dict(Map<?, ?> m, String name, List<Object> args) {
        return switch (name) {
            case "items" -> {
                List<Object> out = new ArrayList<>();
                m.forEach((k, v) -> out.add(new ArrayList<>(java.util.Arrays.asList(k, v))));
                yield out;
            }
            case "keys" -> new ArrayList<Object>(m.keySet());
            case "values" -> new ArrayList<Object>(m.values());
            case "get" -> m.containsKey(arg(args, 0)) ? m.get(arg(args, 0)) : arg(args, 1);
            default -> throw new RenderFailure("dict has no method " + name);
        };
    }

    private static Object list(List<?> l, String name, List<Object> args) {
        return switch (name) {
            case "count" -> l.stream().filter(x -> Values.equal(x, arg(args, 0))).count();
            case "index" -> {
                for (int i = 0; i < l.size(); i++) {
                    if (Values.equal(l.get(i), arg(args, 0))) {
                        yield (long) i;
                    }
                }
                throw new RenderFailure(Values.repr(arg(args, 0)) + " is not in list");
            }
            default -> throw new RenderFailure("list has no method " + name);
        };
    }
}
