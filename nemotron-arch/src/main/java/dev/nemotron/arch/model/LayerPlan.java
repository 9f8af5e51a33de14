package dev.nemotron.arch.model;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import java.util.List;

/** One layer of the graph: where it sits, the factory that builds it, and the weights it expects. */
public record LayerPlan(LayerContext context, MixerFactory factory, List<ParameterSpec> mixerParameters) {
    public LayerPlan {
        mixerParameters = List.copyOf(mixerParameters);
    }

    public int index() {
        return context.index();
    }

    public char symbol() {
        return context.symbol();
    }
}
