package dev.nemotron.arch.model;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The layer graph of a Nemotron-H model, assembled from its config through {@link MixerFactory}
 * lookups, before any weight is read:
 *
 * <pre>
 * embeddings [V, d] -> for each layer i: x + mixer_i(RMSNorm_i(x)) -> norm_f -> lm_head [V, d]
 * </pre>
 *
 * It knows every parameter's full checkpoint name and shape, so it serves both the loader
 * (checking a checkpoint) and the estimator (counting parameters without weights).
 */
public final class ModelGraph {
    /** The prefix of backbone weights in HF Nemotron-H checkpoints. */
    public static final String BACKBONE = "backbone.";

    private final NemotronHConfig config;
    private final List<LayerPlan> layers;

    private ModelGraph(NemotronHConfig config, List<LayerPlan> layers) {
        this.config = config;
        this.layers = List.copyOf(layers);
    }

    public static ModelGraph of(NemotronHConfig config, MixerRegistry registry) {
        List<LayerPlan> plans = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            char symbol = config.symbol(i);
            MixerFactory f = registry.bySymbol(symbol).orElseThrow(() -> new IllegalStateException(
                    "no layer factory for '" + symbol + "' although the config was validated"));
            LayerContext ctx = new LayerContext(i, symbol, config.view());
            plans.add(new LayerPlan(ctx, f, f.dims(ctx), f.parameters(ctx)));
        }
        return new ModelGraph(config, plans);
    }

    public NemotronHConfig config() {
        return config;
    }

    public List<LayerPlan> layers() {
        return layers;
    }

    /** The sizes of every layer, in pattern order (what a device backend maps). */
    public List<LayerDims> layerDims() {
        return layers.stream().map(LayerPlan::dims).toList();
    }

    /** Every parameter, in checkpoint order: embeddings, per layer norm then mixer, norm_f, lm_head. */
    public List<NamedParameter> parameters() {
        long v = config.vocabSize();
        long d = config.hiddenSize();
        List<NamedParameter> all = new ArrayList<>();
        all.add(new NamedParameter(BACKBONE + "embeddings.weight",
                new ParameterSpec("embeddings.weight", new long[] {v, d}, "vocab_size, hidden_size")));
        for (LayerPlan layer : layers) {
            String prefix = BACKBONE + "layers." + layer.index() + ".";
            all.add(new NamedParameter(prefix + "norm.weight",
                    new ParameterSpec("norm.weight", new long[] {d}, "hidden_size")));
            for (ParameterSpec p : layer.mixerParameters()) {
                all.add(new NamedParameter(prefix + "mixer." + p.name(), p));
            }
        }
        all.add(new NamedParameter(BACKBONE + "norm_f.weight",
                new ParameterSpec("norm_f.weight", new long[] {d}, "hidden_size")));
        if (!config.tieWordEmbeddings()) {
            all.add(new NamedParameter("lm_head.weight",
                    ParameterSpec.linear("lm_head.weight", v, d, "vocab_size, hidden_size")));
        }
        return all;
    }

    /** The number of parameters (tied embeddings counted once; optional ones not counted). */
    public long parameterCount() {
        long n = 0;
        for (NamedParameter p : parameters()) {
            if (!p.spec().optional()) {
                n += p.numel();
            }
        }
        return n;
    }
}
