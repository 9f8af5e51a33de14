package dev.nemotron.arch.layer.mlp;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigException;
import dev.nemotron.arch.layer.ConfigChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The squared-ReLU MLP {@code down(relu(up(x))^2)}, pattern symbol {@code -}. */
public final class MlpMixerFactory implements MixerFactory {
    @Override
    public char symbol() {
        return '-';
    }

    @Override
    public Set<String> blockTypeNames() {
        return Set.of("mlp");
    }

    @Override
    public String displayName() {
        return "MLP";
    }

    @Override
    public void validate(LayerContext layer) {
        ConfigChecks.positive(layer, "hidden_size");
        ConfigChecks.positive(layer, "intermediate_size");
        String act = layer.config().getString("mlp_hidden_act").orElse("relu2");
        if (!act.equals("relu2")) {
            throw new ConfigException(layer.config().source() + ": field 'mlp_hidden_act' = \"" + act
                    + "\" is not supported (Nemotron-H MLP layers use \"relu2\")");
        }
    }

    @Override
    public List<ParameterSpec> parameters(LayerContext layer) {
        int d = ConfigChecks.positive(layer, "hidden_size");
        int f = ConfigChecks.positive(layer, "intermediate_size");
        List<ParameterSpec> p = new ArrayList<>();
        p.add(new ParameterSpec("up_proj.weight", new long[] {f, d}, "intermediate_size, hidden_size"));
        p.add(new ParameterSpec("down_proj.weight", new long[] {d, f}, "hidden_size, intermediate_size"));
        if (layer.config().getBoolean("mlp_bias", false)) {
            p.add(new ParameterSpec("up_proj.bias", new long[] {f}, "intermediate_size, mlp_bias"));
            p.add(new ParameterSpec("down_proj.bias", new long[] {d}, "hidden_size, mlp_bias"));
        }
        return p;
    }

    @Override
    public CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype) {
        return CacheFootprint.NONE;
    }

    @Override
    public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
        boolean bias = layer.config().getBoolean("mlp_bias", false);
        return new MlpMixer(ConfigChecks.positive(layer, "intermediate_size"), weights.require("up_proj.weight"),
                bias ? weights.require("up_proj.bias") : null, weights.require("down_proj.weight"),
                bias ? weights.require("down_proj.bias") : null, kernels);
    }
}
