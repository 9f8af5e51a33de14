package dev.nemotron.plugins.examples.scale;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.api.layer.train.TrainableMixerFactory;
import dev.nemotron.api.tensor.DType;
import java.util.List;
import java.util.Set;

/**
 * An example layer type written against nemotron-api alone: pattern symbol {@code Z}
 * ({@code layers_block_type} name {@code "scale"}), {@code out[t, c] = x[t, c] * scale[c]} with one
 * weight {@code scale [hidden]}. It owns its config field {@code scale_width} (required, positive;
 * read by nothing else), reports 12 bytes of state per sequence to the estimator, runs on any
 * backend's kernels (it needs none), and is trainable: the factory is its own
 * {@link TrainableMixerFactory}. It has no resize hook and no device (whole-model) form; device
 * backends say they cannot run it.
 */
public final class ScaleMixerFactory implements MixerFactory, TrainableMixerFactory {
    @Override
    public char symbol() {
        return 'Z';
    }

    @Override
    public Set<String> blockTypeNames() {
        return Set.of("scale");
    }

    @Override
    public String displayName() {
        return "scale";
    }

    @Override
    public ScaleDims dims(LayerContext layer) {
        ModelConfigView c = layer.config();
        if (!c.has("scale_width")) {
            throw new NemotronException(c.source() + ": missing field 'scale_width' (needed by layer " + layer.index()
                    + ", 'Z' scale)");
        }
        int width = c.getInt("scale_width");
        if (width < 1) {
            throw new NemotronException(c.source() + ": field 'scale_width' must be positive, got " + width);
        }
        return new ScaleDims(c.hiddenSize(), width);
    }

    @Override
    public List<ParameterSpec> parameters(LayerContext layer) {
        return List.of(new ParameterSpec("scale", new long[] {dims(layer).hidden()}, "hidden_size"));
    }

    @Override
    public CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype) {
        return new CacheFootprint(0, 12L * batch, 0);
    }

    @Override
    public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
        float[] scale = weights.require("scale").toFloatArray();
        return (x, seqLen, out) -> {
            for (int i = 0; i < seqLen * scale.length; i++) {
                out[i] = x[i] * scale[i % scale.length];
            }
        };
    }

    @Override
    public TrainableMixer<?> create(LayerContext layer, LayerDims dims, ParameterStore params) {
        return new TrainableScale(params, layer.weightPrefix() + "scale", dims.hidden());
    }
}
