package dev.nemotron.api.backend;

import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.tensor.DType;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ModelExecution} needs to create a {@link DeviceModel}.
 *
 * <p>Each layer comes with its sizes as its {@link dev.nemotron.api.layer.MixerFactory} read them
 * ({@link dev.nemotron.api.layer.dims.Mamba2Dims}, {@link dev.nemotron.api.layer.dims.AttentionDims},
 * {@link dev.nemotron.api.layer.dims.MlpDims}, or a plugin layer's record): a backend maps those
 * records and reads no layer field of {@code config}; for a record it does not know it answers that
 * it cannot run that layer type.
 *
 * @param config            the model's HF {@code config.json} (model-level fields: vocabulary,
 *                          hidden size, norm epsilon, tied embeddings)
 * @param pattern           one symbol per layer ({@code M}, {@code *}, {@code -}, or a plugin's)
 * @param layers            the sizes of each layer, in pattern order
 * @param weights           a checkpoint's tensors, or {@link DeviceWeights#random(long)}
 * @param computeType       {@link DType#F32} or {@link DType#BF16}
 * @param maxSequences      sequences that can be alive at once (cache slots)
 * @param maxSequenceLength tokens one sequence may hold (prompt + generated)
 * @param maxPrefillTokens  tokens one prefill call on the device handles (longer prompts are split)
 * @param kvCacheTokens     tokens of KV cache all sequences hold together, for a backend that
 *                          allocates it as sequences grow ({@link DeviceModel#kvCapacity()}); 0:
 *                          {@code maxSequences × maxSequenceLength}, every sequence at its maximum
 */
public record DeviceModelSpec(ModelConfigView config, String pattern, List<LayerDims> layers, DeviceWeights weights,
                              DType computeType, int maxSequences, int maxSequenceLength, int maxPrefillTokens,
                              long kvCacheTokens) {
    /** With room for every sequence at its maximum length ({@code kvCacheTokens} 0). */
    public DeviceModelSpec(ModelConfigView config, String pattern, List<LayerDims> layers, DeviceWeights weights,
                           DType computeType, int maxSequences, int maxSequenceLength, int maxPrefillTokens) {
        this(config, pattern, layers, weights, computeType, maxSequences, maxSequenceLength, maxPrefillTokens, 0);
    }

    public DeviceModelSpec {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pattern, "pattern");
        layers = List.copyOf(layers);
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(computeType, "computeType");
        if (pattern.isEmpty() || pattern.length() != layers.size()) {
            throw new IllegalArgumentException("pattern must have one symbol per layer: \"" + pattern + "\" for "
                    + layers.size() + " layers");
        }
        if (computeType != DType.F32 && computeType != DType.BF16) {
            throw new IllegalArgumentException("computeType must be F32 or BF16, got " + computeType);
        }
        if (maxSequences < 1 || maxSequenceLength < 1 || maxPrefillTokens < 1) {
            throw new IllegalArgumentException("maxSequences, maxSequenceLength and maxPrefillTokens must be >= 1, got "
                    + maxSequences + ", " + maxSequenceLength + ", " + maxPrefillTokens);
        }
        if (kvCacheTokens < 0) {
            throw new IllegalArgumentException("kvCacheTokens must be >= 0 (0: every sequence at its maximum), got "
                    + kvCacheTokens);
        }
    }
}
