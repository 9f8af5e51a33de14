package dev.nemotron.api.reward;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.options.Suggestions;
import dev.nemotron.api.plugin.Plugins;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Selecting a reward by name: the {@link RewardProvider}s that {@link java.util.ServiceLoader}
 * finds ({@link Plugins}), the one named, checked available, its options checked.
 */
public final class Rewards {
    private Rewards() {
    }

    /** The providers found with {@code loader}; one that fails to load is left out. */
    public static List<RewardProvider> providers(ClassLoader loader) {
        return Plugins.providers(Plugins.discover(RewardProvider.class, loader));
    }

    /**
     * Creates the reward {@code name} with {@code options}, from the providers {@code loader} finds.
     *
     * @throws NemotronException when no provider has that name (listing those found), it cannot run
     *     here (with the reason), or an option is unknown or invalid (naming the reward and the option)
     */
    public static Reward create(String name, Map<String, String> options, ClassLoader loader) {
        return create(name, options, providers(loader));
    }

    /** As {@link #create(String, Map, ClassLoader)}, choosing among {@code providers}. */
    public static Reward create(String name, Map<String, String> options, List<RewardProvider> providers) {
        List<String> names = new ArrayList<>();
        for (RewardProvider p : providers) {
            String n = p.name();
            names.add(n);
            if (n.equals(name)) {
                Availability a = p.availability();
                if (!a.available()) {
                    throw new NemotronException("reward '" + name + "' is not available here: " + a.reason());
                }
                return p.create(options);
            }
        }
        TreeSet<String> known = new TreeSet<>(names);
        throw new NemotronException("no reward named '" + name + "' (found: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")"
               
                + Suggestions.didYouMean(name, known));
    }
}
