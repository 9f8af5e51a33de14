package dev.nemotron.arch.layer;

import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.arch.config.ConfigException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The layer types the SDK knows: every {@link MixerFactory} found with {@link Plugins} (the
 * built-in Mamba-2, attention and MLP mixers, plus any plugin's), by pattern symbol and by
 * {@code layers_block_type} name.
 */
public final class MixerRegistry {
    private static final Logger LOG = LogManager.getLogger(MixerRegistry.class);
    private final Map<Character, MixerFactory> bySymbol = new LinkedHashMap<>();
    private final Map<String, MixerFactory> byName = new LinkedHashMap<>();

    private MixerRegistry(Collection<? extends MixerFactory> factories) {
        for (MixerFactory f : factories) {
            MixerFactory previous = bySymbol.putIfAbsent(f.symbol(), f);
            if (previous != null) {
                throw new ConfigException("two layer plugins claim the pattern symbol '" + f.symbol() + "': "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
            for (String name : f.blockTypeNames()) {
                MixerFactory prevName = byName.putIfAbsent(name, f);
                if (prevName != null) {
                    throw new ConfigException("two layer plugins claim the layer type '" + name + "': "
                            + prevName.getClass().getName() + " and " + f.getClass().getName());
                }
            }
        }
    }

    /** The factories found on the module path (or class path); one that fails to load is logged and skipped. */
    public static MixerRegistry discover() {
        List<MixerFactory> found = Plugins.load(MixerFactory.class, MixerRegistry.class.getClassLoader(), LOG::warn);
        if (found.isEmpty()) {
            found = Plugins.load(MixerFactory.class, Thread.currentThread().getContextClassLoader(), LOG::warn);
        }
        return new MixerRegistry(found);
    }

    /** A registry of exactly these factories (tests, embedding). */
    public static MixerRegistry of(Collection<? extends MixerFactory> factories) {
        return new MixerRegistry(factories);
    }

    public Optional<MixerFactory> bySymbol(char symbol) {
        return Optional.ofNullable(bySymbol.get(symbol));
    }

    public Optional<MixerFactory> byBlockTypeName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<MixerFactory> factories() {
        return List.copyOf(bySymbol.values());
    }

    /** {@code "M (Mamba-2), * (attention), - (MLP)"}, for error messages. */
    public String describeSymbols() {
        return bySymbol.values().stream().map(f -> f.symbol() + " (" + f.displayName() + ")")
                .collect(Collectors.joining(", "));
    }

    /** {@code "mamba, linear_attention, ..."}, for error messages. */
    public String describeBlockTypeNames() {
        return String.join(", ", byName.keySet());
    }
}
