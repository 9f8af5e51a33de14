package dev.nemotron.api.optim;

import dev.nemotron.api.options.Options;
import dev.nemotron.api.options.Suggestions;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The options of an optimizer as strings, e.g. {@code beta1=0.9, weight_decay=0.1}, as they come
 * from a command line or a config file. Options left out take the optimizer's defaults. The
 * learning rate is not an option: it is passed to each {@link Optimizer#step}.
 */
public final class OptimizerConfig {
    private final Map<String, String> options;

    private OptimizerConfig(Map<String, String> options) {
        this.options = Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** A config with {@code options}. */
    public static OptimizerConfig of(Map<String, String> options) {
        return new OptimizerConfig(options);
    }

    /** A config with no options: all defaults. */
    public static OptimizerConfig defaults() {
        return new OptimizerConfig(Map.of());
    }

    /** The options, sorted by name. */
    public Map<String, String> options() {
        return options;
    }

    /**
     * The option {@code key} as a finite double, or {@code defaultValue} when absent.
     *
     * @throws IllegalArgumentException naming the option when the value is not a finite number
     */
    public double getDouble(String key, double defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        return Options.parseFiniteDouble(v, problem -> new IllegalArgumentException("optimizer option " + key + ": " + problem));
    }

    /**
     * Fails on any option not in {@code known}, so a misspelt option is not silently ignored.
     *
     * @throws IllegalArgumentException naming the unknown options and the known ones
     */
    public void requireOnly(Set<String> known) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown optimizer option(s) " + unknown + " (known: "
                    + new TreeSet<>(known) + ")" + Suggestions.didYouMean(unknown, known));
        }
    }

    @Override
    public String toString() {
        return options.toString();
    }
}
