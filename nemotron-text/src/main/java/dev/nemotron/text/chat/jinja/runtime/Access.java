package dev.nemotron.text.chat.jinja.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Attribute access, subscripts and slices, as Jinja's sandbox resolves them on Python objects. */
final class Access {
    private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get");

    private Access() {
    }

    /** {@code obj.name}: a Python attribute (method) first, then the item. */
    static Object attribute(Object obj, String name) {
        switch (obj) {
            case Undefined u -> throw u.fail();
            case Namespace ns -> {
                return ns.get(name);
            }
            case LoopInfo loop -> {
                return loop.get(name);
            }
            case Map<?, ?> map -> {
                if (DICT_METHODS.contains(name)) {
                    return Methods.bind(obj, name);
                }
                return map.containsKey(name) ? map.get(name)
                        : new Undefined("'dict object' has no attribute '" + name + "'");
            }
            case String s when Methods.isStringMethod(name) -> {
                return Methods.bind(obj, name);
            }
            case List<?> l when Methods.isListMethod(name) -> {
                return Methods.bind(obj, name);
            }
            case null, default -> {
                return new Undefined("'" + Values.typeName(obj) + " object' has no attribute '" + name + "'");
            }
        }
    }

    /** {@code obj[key]}: the item first, then (for string keys) the attribute. */
    static Object item(Object obj, Object key) {
        switch (obj) {
            case Undefined u -> throw u.fail();
            case Map<?, ?> map -> {
                if (map.containsKey(key)) {
                    return map.get(key);
                }
                return key instanceof String s && DICT_METHODS.contains(s) ? Methods.bind(obj, s)
                        : new Undefined("'dict object' has no attribute " + Values.repr(key));
            }
            case List<?> list when Values.isIntegral(key) -> {
                int i = index(Values.toLong(key), list.size());
                return i < 0 ? new Undefined("list object has no element " + key) : list.get(i);
            }
            case String s when Values.isIntegral(key) -> {
                int i = index(Values.toLong(key), s.length());
                return i < 0 ? new Undefined("str object has no element " + key) : String.valueOf(s.charAt(i));
            }
            case null, default -> {
                if (key instanceof String name) {
                    return attribute(obj, name);
                }
                return new Undefined("'" + Values.typeName(obj) + " object' has no element " + Values.repr(key));
            }
        }
    }

    private static int index(long i, int size) {
        long j = i < 0 ? i + size : i;
        return j < 0 || j >= size ? -1 : (int) j;
    }

    /** {@code obj[start:stop:step]} on a list or string (Python slice rules). */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) {
            throw u.fail();
        }
        int size;
        if (obj instanceof List<?> l) {
            size = l.size();
        } else if (obj instanceof String s) {
            size = s.length();
        } else {
            throw new RenderFailure("'" + Values.typeName(obj) + "' object is not subscriptable");
        }
        long st = step == null ? 1 : Values.toLong(step);
        if (st == 0) {
            throw new RenderFailure("slice step cannot be zero");
        }
        long lo = bound(start, size, st > 0 ? 0 : size - 1, st);
        long hi = bound(stop, size, st > 0 ? size : -1, st);
        List<Integer> picks = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
            picks.add((int) i);
        }
        if (obj instanceof List<?> l) {
            List<Object> out = new ArrayList<>(picks.size());
            picks.forEach(i -> out.add(l.get(i)));
            return out;
        }
        String s = (String) obj;
        StringBuilder sb = new StringBuilder();
        picks.forEach(i -> sb.append(s.charAt(i)));
        return sb.toString();
    }

    private static long bound(Object v, int size, long dflt, long step) {
        if (v == null) {
            return dflt;
        }
        long i = Values.toLong(v);
        if (i < 0) {
            i += size;
        }
        if (step > 0) {
            return Math.max(0, Math.min(i, size));
        }
        return Math.max(-1, Math.min(i, size - 1));
    }
}
