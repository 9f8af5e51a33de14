package dev.nemotron.text.chat.jinja.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/** The mutable object made by {@code namespace(...)}: the one thing a loop body may change outside itself. */
public final class Namespace {
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    public Namespace(Map<String, Object> initial) {
        attributes.putAll(initial);
    }

    /** The attribute, or an {@link Undefined} naming it. */
    public Object get(String name) {
        return attributes.containsKey(name) ? attributes.get(name)
                : new Undefined("namespace has no attribute '" + name + "'");
    }

    public void set(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public String toString() {
        return "<Namespace " + attributes + ">";
    }
}
