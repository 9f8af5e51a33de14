package dev.nemotron.arch.model;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.dims.LayerDims;
import java.util.List;
import java.util.Objects;

/**
 * One layer of the graph: where it sits, the factory that builds it, its sizes as that factory read
 * them ({@link MixerFactory#dims}) and the weights it expects.
 */
public record LayerPlan(LayerContext context, MixerFactory factory, LayerDims dims, List<ParameterSpec> mixerParameters) {
    public LayerPlan {
        Objects.requireNonNull(dims, "dims");
        mixerParameters = List.copyOf(mixerParameters);
    }

    public int index() {
        return context.index();
    }

    public char symbol() {
        return context.symbol();
    }
}
