package dev.nemotron.arch.estimate;

import dev.nemotron.api.tensor.DType;
import java.util.List;
import java.util.Map;

/**
 * What a model needs in memory for inference at a given context length and batch.
 *
 * @param parameters     all parameters (tied embeddings once)
 * @param weightsByDtype bytes of weights per storage dtype
 * @param kvCacheBytes   K and V of every attention layer, in the KV dtype
 * @param ssmStateBytes  Mamba SSM states, fp32
 * @param convStateBytes Mamba conv windows (K-1 inputs per channel), in the model dtype
 */
public record MemoryEstimate(String pattern, long context, int batch, long parameters,
                             Map<DType, Long> weightsByDtype, DType cacheDtype, long kvCacheBytes,
                             long ssmStateBytes, long convStateBytes, List<LayerEstimate> layers) {
    public MemoryEstimate {
        weightsByDtype = Map.copyOf(weightsByDtype);
        layers = List.copyOf(layers);
    }

    public long weightsBytes() {
        return weightsByDtype.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalBytes() {
        return weightsBytes() + kvCacheBytes + ssmStateBytes + convStateBytes;
    }
}
