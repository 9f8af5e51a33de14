package dev.nemotron.pipeline;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.plugin.Plugins;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The stage types the runner can run: {@link StageProvider}s found with {@link Plugins}
 * (or given, in tests and embeddings). The runner looks a spec entry's {@code type} up here and
 * knows no type by name. A provider that throws while being asked about itself is listed as
 * unavailable with the error as its reason, so one broken plugin never hides the others.
 */
public final class StageRegistry {
    private final List<DiscoveredStage> stages;

    private StageRegistry(List<DiscoveredStage> stages) {
        List<DiscoveredStage> sorted = new ArrayList<>(stages);
        sorted.sort(Comparator.comparing(DiscoveredStage::type));
        this.stages = List.copyOf(sorted);
    }

    /** The providers on the module path (or class path). */
    public static StageRegistry discover() {
        List<DiscoveredStage> found = new ArrayList<>();
        for (Plugins.Discovered<StageProvider> d : Plugins.discover(StageProvider.class, StageRegistry.class.getClassLoader())) {
            found.add(d.ok() ? describe(d.provider(), d.module())
                    : new DiscoveredStage(d.type(), "", Availability.unavailable(d.failure()), d.module(), null));
        }
        return new StageRegistry(found);
    }

    /** Exactly these providers (tests, embedding). */
    public static StageRegistry of(List<? extends StageProvider> providers) {
        List<DiscoveredStage> found = new ArrayList<>();
        for (StageProvider p : providers) {
            Module m = p.getClass().getModule();
            found.add(describe(p, m.isNamed() ? m.getName() : "(class path)"));
        }
        return new StageRegistry(found);
    }

    private static DiscoveredStage describe(StageProvider p, String module) {
        try {
            return new DiscoveredStage(p.type(), p.description(), p.availability(), module, p);
        } catch (RuntimeException e) {
            return new DiscoveredStage(p.getClass().getName(), "", Availability.unavailable("provider failed to report availability: "
                    + e), module, null);
        }
    }

    /** Every provider found, sorted by type, available or not. */
    public List<DiscoveredStage> all() {
        return stages;
    }

    /**
     * The provider of {@code type} for the stage named {@code stage}.
     *
     * @throws NemotronException when no provider or two claim the type (listing the known types),
     *     or it is unavailable here (with the reason)
     */
    public StageProvider require(String stage, String type) {
        List<DiscoveredStage> matches = stages.stream().filter(d -> d.type().equals(type) && d.provider() != null).toList();
        if (matches.isEmpty()) {
            TreeSet<String> known = new TreeSet<>();
            stages.stream().filter(d -> d.provider() != null).forEach(d -> known.add(d.type()));
            throw new NemotronException("stage '" + stage + "': unknown stage type '" + type + "' (known: "
                    + (known.isEmpty() ? "none: no stage plugin on the module path" : String.join(", ", known)) + ")");
        }
        if (matches.size() > 1) {
            throw new NemotronException("stage '" + stage + "': two stage plugins claim the type '" + type + "': "
                    + matches.get(0).provider().getClass().getName() + " (" + matches.get(0).module() + ") and "
                    + matches.get(1).provider().getClass().getName() + " (" + matches.get(1).module() + ")");
        }
        DiscoveredStage d = matches.get(0);
        if (!d.availability().available()) {
            throw new NemotronException("stage '" + stage + "': stage type '" + type + "' is not available here: "
                    + d.availability().reason());
        }
        return d.provider();
    }
}
