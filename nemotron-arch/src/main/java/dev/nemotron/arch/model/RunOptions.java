package dev.nemotron.arch.model;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.DType;
import java.util.Locale;

/**
 * How a {@link HybridModel} holds its weights and caches on the host.
 *
 * @param weights  null: projections as stored; {@link DType#Q8_0}: every projection matrix (all
 *                 rank-2 weights but the embedding table) quantized to GGML Q8_0 blocks at load
 *                 (a Q8_0 checkpoint tensor is used as it is)
 * @param kvCache  element type of the attention KV cache: {@link DType#F32} or {@link DType#BF16}
 *                 (half the memory; keys and values rounded to bfloat16 as they are appended)
 */
public record RunOptions(DType weights, DType kvCache) {
    public RunOptions {
        if (weights != null && weights != DType.Q8_0) {
            throw new IllegalArgumentException("weights: null (as stored) or Q8_0, got " + weights);
        }
        if (kvCache != DType.F32 && kvCache != DType.BF16) {
            throw new IllegalArgumentException("kvCache: F32 or BF16, got " + kvCache);
        }
    }

    /** Weights as stored, float32 KV cache. */
    public static RunOptions defaults() {
        return new RunOptions(null, DType.F32);
    }

    public RunOptions withWeights(DType w) {
        return new RunOptions(w, kvCache);
    }

    public RunOptions withKvCache(DType kv) {
        return new RunOptions(weights, kv);
    }

    /**
     * The {@code --weights} spelling: {@code stored} (or null) or {@code q8_0}.
     *
     * @throws NemotronException naming the accepted values
     */
    public static DType parseWeights(String s) {
        if (s == null || s.equalsIgnoreCase("stored")) {
            return null;
        }
        if (s.toLowerCase(Locale.ROOT).equals("q8_0")) {
            return DType.Q8_0;
        }
        throw new NemotronException("--weights must be 'stored' or 'q8_0', got '" + s + "'");
    }

    /**
     * The {@code --kv-cache} spelling: {@code f32} (or null) or {@code bf16}.
     *
     * @throws NemotronException naming the accepted values
     */
    public static DType parseKvCache(String s) {
        if (s == null) {
            return DType.F32;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new NemotronException("--kv-cache must be 'f32' or 'bf16', got '" + s + "'");
        };
    }
}
