package dev.nemotron.text.chat.jinja.runtime;

import java.util.HashMap;
import java.util.Map;

/** Variables of one level (template, loop iteration, macro call), chained to the enclosing level. */
final class Scope {
    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Scope(Map<String, Object> initial) {
        this.parent = null;
        vars.putAll(initial);
    }

    /** The value of {@code name}, or an {@link Undefined} naming it. */
    Object get(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.vars.containsKey(name)) {
                return s.vars.get(name);
            }
        }
        return new Undefined("'" + name + "' is undefined");
    }

    /** Sets {@code name} in this level (Jinja's {@code set} never reaches outside a loop body). */
    void set(String name, Object value) {
        vars.put(name, value);
    }
}
