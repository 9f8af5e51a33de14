package dev.nemotron.pipeline;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * References to earlier stages' outputs in stage parameters: {@code ${stage.key}} is the summary
 * value {@code key} of the stage named {@code stage} (or its output model for
 * {@code key = model}). A string that is exactly one reference takes the referenced value with
 * its type (a number stays a number); a reference inside a longer string is replaced by the
 * value's text. References may appear anywhere in a parameter, in lists and maps too.
 */
final class References {
    /** {@code ${stage.key}}; stage names have no dots, so the first dot splits. */
    static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9][A-Za-z0-9_-]*)\\.([A-Za-z0-9_-]+)}");

    /**
     * One reference in a parameter.
     *
     * @param field where it is, e.g. {@code data} or {@code files[1]}
     * @param text  the reference as written, e.g. {@code ${tokenize.dataset}}
     * @param stage the stage it names
     * @param key   the output it names
     */
    record Reference(String field, String text, String stage, String key) {
    }

    /** Looks a reference's value up; throws a {@link NemotronException} when there is none. */
    @FunctionalInterface
    interface Lookup {
        Object value(Reference reference);
    }

    private References() {
    }

    /** Every reference in {@code params}, in order. */
    static List<Reference> find(Map<String, Object> params) {
        List<Reference> out = new ArrayList<>();
        params.forEach((k, v) -> find(k, v, out));
        return out;
    }

    private static void find(String field, Object value, List<Reference> out) {
        switch (value) {
            case String s -> {
                Matcher m = REFERENCE.matcher(s);
                while (m.find()) {
                    out.add(new Reference(field, m.group(), m.group(1), m.group(2)));
                }
            }
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    find(field + "[" + i + "]", list.get(i), out);
                }
            }
            case Map<?, ?> map -> map.forEach((k, v) -> find(field + "." + k, v, out));
            case null, default -> {
            }
        }
    }

    /**
     * {@code params} with every reference replaced by its value.
     *
     * @param stage the stage the parameters belong to, for error messages
     */
    static Map<String, Object> resolve(String stage, Map<String, Object> params, Lookup lookup) {
        Map<String, Object> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, resolve(stage, k, v, lookup)));
        return out;
    }

    private static Object resolve(String stage, String field, Object value, Lookup lookup) {
        return switch (value) {
            case String s -> resolveString(stage, field, s, lookup);
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    out.add(resolve(stage, field + "[" + i + "]", list.get(i), lookup));
                }
                yield Collections.unmodifiableList(out);
            }
            case Map<?, ?> map -> {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put((String) k, resolve(stage, field + "." + k, v, lookup)));
                yield out;
            }
            case null, default -> value;
        };
    }

    private static Object resolveString(String stage, String field, String s, Lookup lookup) {
        Matcher m = REFERENCE.matcher(s);
        if (m.matches()) {
            return lookup.value(new Reference(field, s, m.group(1), m.group(2)));
        }
        m.reset();
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            Reference r = new Reference(field, m.group(), m.group(1), m.group(2));
            Object v = lookup.value(r);
            if (v instanceof List || v instanceof Map) {
                throw new NemotronException("stage '" + stage + "': field '" + field + "' puts " + r.text()
                        + " inside a longer string, but its value is a list or mapping; use it as the whole value");
            }
            m.appendReplacement(b, Matcher.quoteReplacement(String.valueOf(v)));
        }
        m.appendTail(b);
        return b.toString();
    }
}
