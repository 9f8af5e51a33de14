package dev.nemotron.api.backend;

import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.api.tensor.DType;
import java.util.Objects;

/**
 * What a {@link ModelExecution} needs to create a {@link DeviceModel}.
 *
 * @param config            the model's HF {@code config.json}
 * @param pattern           one symbol per layer: {@code M} Mamba-2, {@code *} attention, {@code -} MLP
 * @param weights           a checkpoint's tensors, or {@link DeviceWeights#random(long)}
 * @param computeType       {@link DType#F32} or {@link DType#BF16}
 * @param maxSequences      sequences that can be alive at once (cache slots)
 * @param maxSequenceLength tokens one sequence may hold (prompt + generated)
 * @param maxPrefillTokens  tokens one prefill call on the device handles (longer prompts are split)
 */
public record DeviceModelSpec(ModelConfigView config, String pattern, DeviceWeights weights, DType computeType,
                              int maxSequences, int maxSequenceLength, int maxPrefillTokens) {
    public DeviceModelSpec {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(computeType, "computeType");
        if (pattern.isEmpty() || !pattern.chars().allMatch(c -> c == 'M' || c == '*' || c == '-')) {
            throw new IllegalArgumentException("pattern must be one of M, *, - per layer, got \"" + pattern + "\"");
        }
        if (computeType != DType.F32 && computeType != DType.BF16) {
            throw new IllegalArgumentException("computeType must be F32 or BF16, got " + computeType);
        }
        if (maxSequences < 1 || maxSequenceLength < 1 || maxPrefillTokens < 1) {
            throw new IllegalArgumentException("maxSequences, maxSequenceLength and maxPrefillTokens must be >= 1, got "
                    + maxSequences + ", " + maxSequenceLength + ", " + maxPrefillTokens);
        }
    }
}
