package dev.nemotron.api.reward;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.options.Options;
import dev.nemotron.api.options.Suggestions;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks and reads the string options given to {@link RewardProvider#create}, with one-line
 * errors that name the reward and the option: {@code "reward 'math': option tolerance: not a
 * number: 'abc'"}.
 *
 * @param reward  the reward's name, for messages
 * @param options the options as given
 */
public record RewardOptions(String reward, Map<String, String> options) {
    public RewardOptions {
        Objects.requireNonNull(reward, "reward");
        options = Map.copyOf(Objects.requireNonNull(options, "options"));
    }

    /**
     * Fails on any option not in {@code known}, so a misspelt option is not silently ignored.
     *
     * @throws NemotronException naming the unknown options and the known ones
     */
    public RewardOptions requireOnly(Collection<RewardOption> known) {
        return requireOnly(RewardOption.names(known));
    }

    /**
     * Fails on any option not in {@code known}, so a misspelt option is not silently ignored.
     *
     * @throws NemotronException naming the unknown options and the known ones
     */
    public RewardOptions requireOnly(Set<String> known) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new NemotronException("reward '" + reward + "': unknown option(s) " + String.join(", ", unknown)
                    + " (known: " + String.join(", ", new TreeSet<>(known)) + ")" + Suggestions.didYouMean(unknown, known));
        }
        return this;
    }

    /**
     * The option {@code key} as a finite double, or {@code defaultValue} when absent.
     *
     * @throws NemotronException naming the option when the value is not a finite number
     */
    public double getDouble(String key, double defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        return Options.parseFiniteDouble(v, problem -> invalid(key, problem));
    }

    /**
     * The option {@code key} as a boolean ({@code true}/{@code false}, any case), or
     * {@code defaultValue} when absent.
     *
     * @throws NemotronException naming the option for any other value
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "expected true or false, got '" + v + "'");
        };
    }

    /**
     * The option {@code key} as an integer in {@code [min, max]}, or {@code defaultValue} when absent.
     *
     * @throws NemotronException naming the option when the value is not an integer or out of range
     */
    public long getLong(String key, long defaultValue, long min, long max) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw invalid(key, "not an integer: '" + v + "'");
        }
        if (n < min || n > max) {
            throw invalid(key, "must be in [" + min + ", " + max + "], got " + n);
        }
        return n;
    }

    /**
     * The option {@code key} as given (stripped), or {@code defaultValue} when absent.
     *
     * @throws NemotronException naming the option when the value is blank
     */
    public String getString(String key, String defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v.isBlank()) {
            throw invalid(key, "empty value");
        }
        return v.strip();
    }

    /** Whether option {@code key} was given. */
    public boolean has(String key) {
        return options.containsKey(key);
    }

    /** An error about option {@code key}: {@code "reward 'NAME': option KEY: PROBLEM"}. */
    public NemotronException invalid(String key, String problem) {
        return new NemotronException("reward '" + reward + "': option " + key + ": " + problem);
    }
}
