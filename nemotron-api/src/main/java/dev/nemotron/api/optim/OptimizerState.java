package dev.nemotron.api.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An optimizer's state as named float64 arrays, for checkpoints.
 *
 * <p>Names are the optimizer's own; by convention {@code "<slot>/<parameter name>"}, e.g.
 * {@code "exp_avg/backbone.norm_f.weight"}. A trainer stores each array (for example as a tensor in
 * a safetensors file) and gives the same names and values back to
 * {@link Optimizer#load(OptimizerState)}. Arrays are copied in and out, so a state is a snapshot.
 */
public final class OptimizerState {
    private final Map<String, double[]> arrays;

    /** A state holding copies of {@code arrays}, in their iteration order. */
    public OptimizerState(Map<String, double[]> arrays) {
        Map<String, double[]> copy = new LinkedHashMap<>();
        arrays.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "name"), Objects.requireNonNull(v, k).clone()));
        this.arrays = Collections.unmodifiableMap(copy);
    }

    /** A state with no arrays (an optimizer before its first step, or one without state). */
    public static OptimizerState empty() {
        return new OptimizerState(Map.of());
    }

    /** The array names, in order. */
    public Set<String> names() {
        return arrays.keySet();
    }

    /** A copy of the array named {@code name}, or null. */
    public double[] get(String name) {
        double[] a = arrays.get(name);
        return a == null ? null : a.clone();
    }

    /** Copies of all arrays, in order. */
    public Map<String, double[]> arrays() {
        Map<String, double[]> copy = new LinkedHashMap<>();
        arrays.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** Whether there are no arrays. */
    public boolean isEmpty() {
        return arrays.isEmpty();
    }
}
