package dev.nemotron.api.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters one optimizer step updates, in a fixed order, with unique names.
 *
 * <p>The same group (the same names and sizes) is passed to every step of a run; an optimizer
 * keeps its per-parameter state by name.
 */
public final class ParameterGroup {
    private final List<Parameter> parameters;
    private final Map<String, Parameter> byName;

    private ParameterGroup(List<Parameter> parameters) {
        Map<String, Parameter> map = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (map.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("duplicate parameter name: " + p.name());
            }
        }
        this.parameters = List.copyOf(parameters);
        this.byName = Collections.unmodifiableMap(map);
    }

    /** A group of {@code parameters}, in this order. */
    public static ParameterGroup of(List<Parameter> parameters) {
        return new ParameterGroup(parameters);
    }

    /** A group of {@code parameters}, in this order. */
    public static ParameterGroup of(Parameter... parameters) {
        return new ParameterGroup(List.of(parameters));
    }

    /** The parameters, in order; unmodifiable. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The parameter named {@code name}, or null. */
    public Parameter get(String name) {
        return byName.get(name);
    }

    /** Number of parameters (not elements). */
    public int size() {
        return parameters.size();
    }

    /** Total number of elements over all parameters. */
    public long numel() {
        long n = 0;
        for (Parameter p : parameters) {
            n += p.size();
        }
        return n;
    }
}
