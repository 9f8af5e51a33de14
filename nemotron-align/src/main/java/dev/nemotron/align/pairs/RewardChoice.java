package dev.nemotron.align.pairs;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A reward chosen on a command line, {@code NAME[:key=value,...]} (e.g. {@code math:tolerance=1e-4}),
 * and the {@link RewardProvider} plugins ({@link java.util.ServiceLoader}, through
 * {@link Plugins}) that make it.
 *
 * @param name    the provider's name
 * @param options the options, in order
 */
public record RewardChoice(String name, Map<String, String> options) {
    public RewardChoice {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Parses {@code NAME[:key=value,...]}. */
    public static RewardChoice parse(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.indexOf(':');
        String name = (colon < 0 ? t : t.substring(0, colon)).strip();
        if (name.isEmpty()) {
            throw new NemotronException("--reward needs a reward name, NAME[:key=value,...] (see `nemotron eval rewards`), got '"
                    + text + "'");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (colon >= 0 && !t.substring(colon + 1).isBlank()) {
            for (String kv : t.substring(colon + 1).split(",")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new NemotronException("reward '" + name + "': option '" + kv.strip()
                            + "' is not key=value (NAME[:key=value,...])");
                }
                options.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        return new RewardChoice(name, options);
    }

    /** The reward made by the provider named {@link #name()} among {@code providers}. */
    public Reward create(List<RewardProvider> providers) {
        List<String> names = new ArrayList<>();
        for (RewardProvider p : providers) {
            if (p.name().equals(name)) {
                if (!p.availability().available()) {
                    throw new NemotronException("reward '" + name + "' cannot run here: " + p.availability().reason());
                }
                return p.create(options);
            }
            names.add(p.name());
        }
        throw new NemotronException("no reward named '" + name + "' (found: "
                + (names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names))) + "; `nemotron eval rewards` lists them)");
    }

    /** The reward made by the provider plugins {@code loader} sees (broken plugins are skipped). */
    public Reward create(ClassLoader loader) {
        List<RewardProvider> found = new ArrayList<>();
        for (Plugins.Discovered<RewardProvider> d : Plugins.discover(RewardProvider.class, loader)) {
            if (d.ok()) {
                found.add(d.provider());
            }
        }
        return create(found);
    }
}
