package dev.nemotron.align.pairs;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardProvider;
import dev.nemotron.api.reward.Rewards;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reward chosen on a command line, {@code NAME[:key=value,...]} (e.g. {@code math:tolerance=1e-4}),
 * made by the {@link RewardProvider} plugins through {@link Rewards} (the one home of the lookup).
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

    /** The reward made by the provider named {@link #name()} among {@code providers} ({@link Rewards#create}). */
    public Reward create(List<RewardProvider> providers) {
        return Rewards.create(name, options, providers);
    }

    /** The reward made by the provider plugins {@code loader} sees ({@link Rewards#create}). */
    public Reward create(ClassLoader loader) {
        return Rewards.create(name, options, loader);
    }
}
