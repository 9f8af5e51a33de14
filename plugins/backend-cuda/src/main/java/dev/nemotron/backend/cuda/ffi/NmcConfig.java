package dev.nemotron.backend.cuda.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The values of one {@code nmc_config}, field for field (see {@code nemotron_cuda.h}); booleans
 * are written as 0/1.
 */
public record NmcConfig(int vocabSize, int hiddenSize, String pattern, int intermediateSize,
                        int numAttentionHeads, int numKeyValueHeads, int headDim, int mambaNumHeads,
                        int mambaHeadDim, int nGroups, int ssmStateSize, int convKernel, int chunkSize,
                        float normEps, float dtMin, float dtMax, boolean mambaProjBias, boolean useConvBias,
                        boolean attentionBias, boolean mlpBias, boolean tieWordEmbeddings, int computeDtype) {
    public NmcConfig {
        Objects.requireNonNull(pattern, "pattern");
    }

    public int numLayers() {
        return pattern.length();
    }

    /** The struct in {@code arena} (the pattern string too, NUL-terminated). */
    public MemorySegment toNative(Arena arena) {
        MemorySegment s = arena.allocate(NmcLayouts.CONFIG);
        putInt(s, "abi_version", NmcLayouts.ABI_VERSION);
        putInt(s, "vocab_size", vocabSize);
        putInt(s, "hidden_size", hiddenSize);
        putInt(s, "num_layers", numLayers());
        s.set(ADDRESS, NmcLayouts.offset(NmcLayouts.CONFIG, "pattern"), arena.allocateFrom(pattern));
        putInt(s, "intermediate_size", intermediateSize);
        putInt(s, "num_attention_heads", numAttentionHeads);
        putInt(s, "num_key_value_heads", numKeyValueHeads);
        putInt(s, "head_dim", headDim);
        putInt(s, "mamba_num_heads", mambaNumHeads);
        putInt(s, "mamba_head_dim", mambaHeadDim);
        putInt(s, "n_groups", nGroups);
        putInt(s, "ssm_state_size", ssmStateSize);
        putInt(s, "conv_kernel", convKernel);
        putInt(s, "chunk_size", chunkSize);
        putFloat(s, "norm_eps", normEps);
        putFloat(s, "dt_min", dtMin);
        putFloat(s, "dt_max", dtMax);
        putInt(s, "mamba_proj_bias", mambaProjBias ? 1 : 0);
        putInt(s, "use_conv_bias", useConvBias ? 1 : 0);
        putInt(s, "attention_bias", attentionBias ? 1 : 0);
        putInt(s, "mlp_bias", mlpBias ? 1 : 0);
        putInt(s, "tie_word_embeddings", tieWordEmbeddings ? 1 : 0);
        putInt(s, "compute_dtype", computeDtype);
        return s;
    }

    private static void putInt(MemorySegment s, String field, int v) {
        s.set(JAVA_INT, NmcLayouts.offset(NmcLayouts.CONFIG, field), v);
    }

    private static void putFloat(MemorySegment s, String field, float v) {
        s.set(JAVA_FLOAT, NmcLayouts.offset(NmcLayouts.CONFIG, field), v);
    }
}
