package dev.nemotron.train.optim;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.OptimizerProvider;
import dev.nemotron.api.plugin.Plugins;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds {@link OptimizerProvider}s with {@link Plugins} ({@code "adamw"} from this module,
 * others from plugins) and creates optimizers by name. A provider that throws while being asked
 * about itself is listed as unavailable with the error as its reason, so one broken plugin never
 * hides the others.
 */
public final class Optimizers {
    private Optimizers() {
    }

    /** Every provider found, sorted by name, available or not. */
    public static List<DiscoveredOptimizer> discover() {
        return discover(ServiceLoader.load(OptimizerProvider.class, Optimizers.class.getClassLoader()));
    }

    /** Every provider {@code loader} finds, sorted by name (for plugin layers and tests). */
    public static List<DiscoveredOptimizer> discover(ServiceLoader<OptimizerProvider> loader) {
        List<DiscoveredOptimizer> found = new ArrayList<>();
        for (Plugins.Discovered<OptimizerProvider> d : Plugins.discover(loader)) {
            found.add(d.ok() ? describe(d.provider(), d.module())
                    : new DiscoveredOptimizer(d.type(), "", Availability.unavailable(d.failure()), d.module(), null));
        }
        found.sort(Comparator.comparing(DiscoveredOptimizer::name));
        return found;
    }

    private static DiscoveredOptimizer describe(OptimizerProvider p, String module) {
        try {
            return new DiscoveredOptimizer(p.name(), p.description(), p.availability(), module, p);
        } catch (RuntimeException e) {
            return new DiscoveredOptimizer(p.getClass().getName(), "",
                    Availability.unavailable("provider failed to report availability: " + e), module, null);
        }
    }

    /** The names of the available optimizers, sorted. */
    public static List<String> names() {
        return discover().stream().filter(d -> d.availability().available()).map(DiscoveredOptimizer::name).toList();
    }

    /**
     * Creates the optimizer named {@code name} (e.g. {@code "adamw"}) with {@code config}.
     *
     * @throws NemotronException when no provider has that name, it is unavailable here, or the
     *                           config is invalid, with the reason
     */
    public static Optimizer create(String name, OptimizerConfig config) {
        List<DiscoveredOptimizer> all = discover();
        for (DiscoveredOptimizer d : all) {
            if (d.name().equals(name)) {
                if (!d.availability().available()) {
                    throw new NemotronException("optimizer '" + name + "' is not available here: " + d.availability().reason());
                }
                try {
                    return d.provider().create(config);
                } catch (IllegalArgumentException e) {
                    throw new NemotronException("optimizer '" + name + "': " + e.getMessage(), e);
                }
            }
        }
        throw new NemotronException("no optimizer named '" + name + "' (found: "
                + all.stream().map(DiscoveredOptimizer::name).collect(Collectors.joining(", ")) + ")");
    }
}
