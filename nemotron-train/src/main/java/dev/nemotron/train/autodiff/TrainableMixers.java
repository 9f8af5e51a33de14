package dev.nemotron.train.autodiff;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.api.layer.train.TrainableMixerFactory;
import dev.nemotron.arch.model.LayerPlan;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The trainable forms of the layer types: every {@link TrainableMixerFactory} found with
 * {@code ServiceLoader} (nemotron-train's Mamba-2, attention and MLP, plus any plugin's), by
 * pattern symbol. A layer whose {@code MixerFactory} itself implements
 * {@link TrainableMixerFactory} uses that; otherwise the one registered for its symbol; a layer
 * type with neither cannot be trained, and {@link #create} says so.
 */
public final class TrainableMixers {
    private static final Logger LOG = LogManager.getLogger(TrainableMixers.class);
    private final Map<Character, TrainableMixerFactory> bySymbol = new LinkedHashMap<>();

    private TrainableMixers(Collection<? extends TrainableMixerFactory> factories) {
        for (TrainableMixerFactory f : factories) {
            TrainableMixerFactory previous = bySymbol.putIfAbsent(f.symbol(), f);
            if (previous != null && previous.getClass() != f.getClass()) {
                throw new NemotronException("two plugins provide the trainable form of layer symbol '" + f.symbol()
                        + "': " + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
    }

    /**
     * The factories found on the module path (or class path) through {@link Plugins}: a provider
     * that fails to load is logged and skipped, never fatal.
     */
    public static TrainableMixers discover() {
        List<TrainableMixerFactory> found = Plugins.load(TrainableMixerFactory.class, TrainableMixers.class.getClassLoader(),
                LOG::warn);
        if (found.isEmpty()) {
            found = Plugins.load(TrainableMixerFactory.class, Thread.currentThread().getContextClassLoader(), LOG::warn);
        }
        return new TrainableMixers(found);
    }

    /** Exactly these factories (tests, embedding). */
    public static TrainableMixers of(Collection<? extends TrainableMixerFactory> factories) {
        return new TrainableMixers(factories);
    }

    /** The trainable mixer of {@code layer}, on {@code params}. */
    public TrainableMixer<?> create(LayerPlan layer, ParameterStore params) {
        TrainableMixerFactory f = layer.factory() instanceof TrainableMixerFactory own && own.symbol() == layer.symbol()
                ? own : bySymbol.get(layer.symbol());
        if (f == null) {
            throw new NemotronException("layer " + layer.index() + " ('" + layer.symbol() + "', "
                    + layer.factory().displayName() + ") cannot be trained: its layer type has no trainable form"
                    + " (a plugin layer provides one by implementing dev.nemotron.api.layer.train.TrainableMixerFactory)");
        }
        return f.create(layer.context(), layer.dims(), params);
    }
}
