package dev.nemotron.arch.layer;

import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.arch.config.ConfigException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The layer types the SDK knows: every {@link MixerFactory} found with {@link ServiceLoader} (the
 * built-in Mamba-2, attention and MLP mixers, plus any plugin's), by pattern symbol and by
 * {@code layers_block_type} name.
 */
public final class MixerRegistry {
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

    /** The factories found by {@link ServiceLoader} on the module path (or class path). */
    public static MixerRegistry discover() {
        List<MixerFactory> found = new ArrayList<>();
        ServiceLoader.load(MixerFactory.class, MixerRegistry.class.getClassLoader()).forEach(found::add);
        if (found.isEmpty()) {
            ServiceLoader.load(MixerFactory.class).forEach(found::add);
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
