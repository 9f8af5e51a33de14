package dev.nemotron.arch.layer.mlp;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.LayerResize;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSlice;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.ResizedLayer;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigException;
import dev.nemotron.arch.layer.ConfigChecks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The squared-ReLU MLP {@code down(relu(up(x))^2)}, pattern symbol {@code -}; the one reader of its config fields. */
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

    /** {@code hidden_size, intermediate_size}, {@code mlp_bias} (false), {@code mlp_hidden_act} (relu2 only). */
    @Override
    public MlpDims dims(LayerContext layer) {
        int d = ConfigChecks.positive(layer, "hidden_size");
        int f = ConfigChecks.positive(layer, "intermediate_size");
        String act = layer.config().getString("mlp_hidden_act").orElse("relu2");
        if (!act.equals("relu2")) {
            throw new ConfigException(layer.config().source() + ": field 'mlp_hidden_act' = \"" + act
                    + "\" is not supported (Nemotron-H MLP layers use \"relu2\")");
        }
        return new MlpDims(d, f, layer.config().getBoolean("mlp_bias", false));
    }

    @Override
    public List<ParameterSpec> parameters(LayerContext layer) {
        return parameters(dims(layer));
    }

    private static List<ParameterSpec> parameters(MlpDims m) {
        long d = m.hidden();
        long f = m.intermediate();
        List<ParameterSpec> p = new ArrayList<>();
        p.add(ParameterSpec.linear("up_proj.weight", f, d, "intermediate_size, hidden_size"));
        p.add(ParameterSpec.linear("down_proj.weight", d, f, "hidden_size, intermediate_size"));
        if (m.bias()) {
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
        MlpDims m = dims(layer);
        return new MlpMixer(m.intermediate(), weights.require("up_proj.weight"),
                m.bias() ? weights.require("up_proj.bias") : null, weights.require("down_proj.weight"),
                m.bias() ? weights.require("down_proj.bias") : null, kernels);
    }

    /**
     * Units are neurons (rows of {@code up_proj}, columns of {@code down_proj}); hidden channels
     * slice {@code up_proj}'s columns and {@code down_proj}'s rows.
     */
    @Override
    public ResizedLayer resize(LayerContext layer, LayerResize keep) {
        MlpDims m = dims(layer);
        int[] hidden = LayerResize.orAll(keep.hiddenKept(), m.hidden(), "hidden channel");
        int[] neurons = LayerResize.orAll(keep.unitsKept(), m.intermediate(), "MLP neuron");
        MlpDims n = new MlpDims(hidden.length, neurons.length, m.bias());
        List<ParameterSlice> slices = new ArrayList<>();
        for (ParameterSpec p : parameters(m)) {
            long[] s = p.shape();
            slices.add(switch (p.name()) {
                case "up_proj.weight" -> new ParameterSlice(p.name(), s, new int[][] {neurons, hidden});
                case "up_proj.bias" -> new ParameterSlice(p.name(), s, new int[][] {neurons});
                case "down_proj.weight" -> new ParameterSlice(p.name(), s, new int[][] {hidden, neurons});
                case "down_proj.bias" -> new ParameterSlice(p.name(), s, new int[][] {hidden});
                default -> throw new IllegalStateException("no resize rule for " + p.name());
            });
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("hidden_size", n.hidden());
        fields.put("intermediate_size", n.intermediate());
        fields.put("mlp_bias", n.bias());
        return new ResizedLayer(n, fields, slices);
    }
}
