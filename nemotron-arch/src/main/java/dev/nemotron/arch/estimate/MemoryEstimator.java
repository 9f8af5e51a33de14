package dev.nemotron.arch.estimate;

import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.arch.model.ModelGraph;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts parameters and inference memory from a {@link ModelGraph} alone (no weights needed).
 * Each layer type reports its own state through
 * {@link dev.nemotron.api.layer.MixerFactory#cacheFootprint}, so plugin layers are counted too.
 */
public final class MemoryEstimator {
    private MemoryEstimator() {
    }

    /**
     * Weights in the config's dtype; KV cache and conv state in the same dtype; SSM state in fp32.
     */
    public static MemoryEstimate estimate(ModelGraph graph, long context, int batch) {
        DType dtype = graph.config().dtype();
        long params = graph.parameterCount();
        Map<DType, Long> weights = new EnumMap<>(DType.class);
        weights.put(dtype, params * dtype.byteSize());
        return estimate(graph, context, batch, weights);
    }

    /** As {@link #estimate(ModelGraph, long, int)}, with the weight bytes of an actual checkpoint. */
    public static MemoryEstimate estimate(ModelGraph graph, long context, int batch, Map<DType, Long> weightsByDtype) {
        if (context < 0 || batch < 1) {
            throw new IllegalArgumentException("context must be >= 0 and batch >= 1");
        }
        DType dtype = graph.config().dtype();
        long d = graph.config().hiddenSize();
        CacheFootprint total = CacheFootprint.NONE;
        List<LayerEstimate> layers = new ArrayList<>();
        for (LayerPlan layer : graph.layers()) {
            long n = d; // the layer's RMSNorm
            for (ParameterSpec p : layer.mixerParameters()) {
                n += p.optional() ? 0 : p.numel();
            }
            CacheFootprint cache = layer.factory().cacheFootprint(layer.context(), context, batch, dtype);
            total = total.plus(cache);
            layers.add(new LayerEstimate(layer.index(), layer.symbol(), layer.factory().displayName(), n, cache));
        }
        long params = graph.parameterCount();
        return new MemoryEstimate(graph.config().pattern(), context, batch, params, weightsByDtype, dtype,
                total.kvCacheBytes(), total.ssmStateBytes(), total.convStateBytes(), layers);
    }

    /**
     * The largest batch in {@code [1, maxBatch]} whose {@link MemoryEstimate#totalBytes()} (weights
     * plus every sequence's caches at {@code context} tokens) fits {@code budgetBytes}; 0 when not
     * even one sequence fits. The total grows with the batch, so this is a binary search.
     */
    public static int largestBatch(ModelGraph graph, long context, long budgetBytes, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1");
        }
        int lo = 0;
        int hi = maxBatch;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (estimate(graph, context, mid).totalBytes() <= budgetBytes) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
