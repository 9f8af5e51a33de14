package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.backend.cuda.ffi.NmcConfig;
import dev.nemotron.backend.cuda.ffi.NmcLayouts;
import java.util.List;

/**
 * A model's per-layer sizes ({@link DeviceModelSpec#layers()}, as the layer factories read them)
 * as an {@code nmc_config}. The library knows three layer types, one size each: every
 * {@link Mamba2Dims} layer becomes {@code M}, every {@link AttentionDims} {@code *}, every
 * {@link MlpDims} {@code -}; any other layer type (a plugin's) is refused by name, as are layers of
 * one type with different sizes. Only model-level fields come from the config: {@code vocab_size},
 * {@code hidden_size}, the norm epsilon and {@code tie_word_embeddings} (default false). The fields
 * of a layer type the model does not use are 0 (the chunk size, dt limits and conv bias take
 * their defaults).
 *
 * <p>Attention biases are given by the caller: HF NemotronH creates none whatever
 * {@code attention_bias} says, so a checkpoint's own tensors decide.
 */
final class ConfigMapping {
    private ConfigMapping() {
    }

    static NmcConfig map(DeviceModelSpec spec, boolean attentionBias) {
        return map(spec.config(), spec.pattern(), spec.layers(), spec.computeType(), attentionBias);
    }

    static NmcConfig map(ModelConfigView c, String pattern, List<LayerDims> layers, DType computeType,
                         boolean attentionBias) {
        Mamba2Dims mamba = null;
        AttentionDims attention = null;
        MlpDims mlp = null;
        StringBuilder nativePattern = new StringBuilder();
        for (int i = 0; i < layers.size(); i++) {
            LayerDims d = layers.get(i);
            switch (d) {
                case Mamba2Dims m -> {
                    mamba = one(c, mamba, m, i, "Mamba-2");
                    nativePattern.append('M');
                }
                case AttentionDims a -> {
                    attention = one(c, attention, a, i, "attention");
                    nativePattern.append('*');
                }
                case MlpDims f -> {
                    mlp = one(c, mlp, f, i, "MLP");
                    nativePattern.append('-');
                }
                default -> throw new NemotronException(c.source() + ": layer " + i + " ('" + pattern.charAt(i) + "', "
                        + d.getClass().getSimpleName() + ") is a layer type the cuda backend does not run (it runs"
                        + " Mamba-2, attention and MLP layers); run this model on the java backend");
            }
        }
        return new NmcConfig(
                c.getInt("vocab_size"),
                c.getInt("hidden_size"),
                nativePattern.toString(),
                mlp == null ? 0 : mlp.intermediate(),
                attention == null ? 0 : attention.qHeads(),
                attention == null ? 0 : attention.kvHeads(),
                attention == null ? 0 : attention.headDim(),
                mamba == null ? 0 : mamba.heads(),
                mamba == null ? 0 : mamba.headDim(),
                mamba == null ? 0 : mamba.groups(),
                mamba == null ? 0 : mamba.stateSize(),
                mamba == null ? 0 : mamba.convKernel(),
                mamba == null ? Mamba2Dims.DEFAULT_CHUNK_SIZE : mamba.chunkSize(),
                (float) c.normEpsilon(),
                mamba == null ? 0f : (float) mamba.dtMin(),
                mamba == null ? Float.POSITIVE_INFINITY : (float) mamba.dtMax(),
                mamba != null && mamba.projBias(),
                mamba == null || mamba.convBias(),
                attentionBias,
                mlp != null && mlp.bias(),
                c.getBoolean("tie_word_embeddings", false),
                computeType == DType.BF16 ? NmcLayouts.NMC_BF16 : NmcLayouts.NMC_F32);
    }

    /** {@code dims}, checked to equal the sizes of the earlier layers of its type. */
    private static <D extends LayerDims> D one(ModelConfigView c, D seen, D dims, int layer, String type) {
        if (seen != null && !seen.equals(dims)) {
            throw new NemotronException(c.source() + ": layer " + layer + " is a " + type + " layer of other sizes than"
                    + " the earlier ones (" + dims + " vs " + seen + "); the cuda backend runs one size per layer type");
        }
        return dims;
    }
}
