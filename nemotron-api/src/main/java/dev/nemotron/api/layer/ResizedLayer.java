package dev.nemotron.api.layer;

import dev.nemotron.api.layer.dims.LayerDims;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A narrower layer, as {@link MixerFactory#resize} yields it.
 *
 * @param dims         its sizes
 * @param configFields the {@code config.json} fields that describe it (name → Integer, Boolean or
 *                     List of Double), to write into the narrower model's config
 * @param slices       for every parameter of the original layer present in the narrower one, how it
 *                     is cut (in {@link MixerFactory#parameters} order)
 */
public record ResizedLayer(LayerDims dims, Map<String, Object> configFields, List<ParameterSlice> slices) {
    public ResizedLayer {
        Objects.requireNonNull(dims, "dims");
        configFields = Collections.unmodifiableMap(new LinkedHashMap<>(configFields));
        slices = List.copyOf(slices);
    }

    /** The slice of parameter {@code name}. */
    public ParameterSlice slice(String name) {
        return slices.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no slice for parameter '" + name + "'"));
    }
}
