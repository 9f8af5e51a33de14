package dev.nemotron.backend.cuda.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * The C structs of {@code nemotron_cuda.h} as FFM layouts, with natural alignment on a 64-bit
 * platform (LP64: 4-byte int32/float, 8-byte pointers and uint64).
 *
 * <pre>
 * nmc_config:   4 int32 (16 B) | pointer at 16 | 10 int32 | 3 float | 6 int32 = 100 B,
 *               padded to the pointer's alignment: 104 bytes
 * nmc_sampling: float, float, uint64 at 8: 16 bytes
 * </pre>
 */
public final class NmcLayouts {
    /** {@code NMC_ABI_VERSION} of the header these bindings were written against. */
    public static final int ABI_VERSION = 2;
    /** {@code sizeof(nmc_config)} on LP64. */
    public static final long CONFIG_SIZE = 104;
    /** {@code sizeof(nmc_sampling)} on LP64. */
    public static final long SAMPLING_SIZE = 16;

    /** Element type codes: {@code NMC_F32}, {@code NMC_BF16}, {@code NMC_F16}. */
    public static final int NMC_F32 = 0;
    public static final int NMC_BF16 = 1;
    public static final int NMC_F16 = 2;

    public static final StructLayout CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("abi_version"),
            JAVA_INT.withName("vocab_size"),
            JAVA_INT.withName("hidden_size"),
            JAVA_INT.withName("num_layers"),
            ADDRESS.withName("pattern"),
            JAVA_INT.withName("intermediate_size"),
            JAVA_INT.withName("num_attention_heads"),
            JAVA_INT.withName("num_key_value_heads"),
            JAVA_INT.withName("head_dim"),
            JAVA_INT.withName("mamba_num_heads"),
            JAVA_INT.withName("mamba_head_dim"),
            JAVA_INT.withName("n_groups"),
            JAVA_INT.withName("ssm_state_size"),
            JAVA_INT.withName("conv_kernel"),
            JAVA_INT.withName("chunk_size"),
            JAVA_FLOAT.withName("norm_eps"),
            JAVA_FLOAT.withName("dt_min"),
            JAVA_FLOAT.withName("dt_max"),
            JAVA_INT.withName("mamba_proj_bias"),
            JAVA_INT.withName("use_conv_bias"),
            JAVA_INT.withName("attention_bias"),
            JAVA_INT.withName("mlp_bias"),
            JAVA_INT.withName("tie_word_embeddings"),
            JAVA_INT.withName("compute_dtype"),
            MemoryLayout.paddingLayout(4)).withName("nmc_config");

    public static final StructLayout SAMPLING = MemoryLayout.structLayout(
            JAVA_FLOAT.withName("temperature"),
            JAVA_FLOAT.withName("top_p"),
            JAVA_LONG.withName("seed")).withName("nmc_sampling");

    private NmcLayouts() {
    }

    /** Byte offset of {@code field} in {@code layout}. */
    public static long offset(StructLayout layout, String field) {
        return layout.byteOffset(PathElement.groupElement(field));
    }

    /** Checks the layouts against the C sizes; fails fast on a platform the bindings do not fit. */
    static void checkSizes() {
        if (ADDRESS.byteSize() != 8 || CONFIG.byteSize() != CONFIG_SIZE || SAMPLING.byteSize() != SAMPLING_SIZE) {
            throw new IllegalStateException("the nmc_config/nmc_sampling layouts (" + CONFIG.byteSize() + "/"
                    + SAMPLING.byteSize() + " bytes) do not match the C ABI (" + CONFIG_SIZE + "/" + SAMPLING_SIZE
                    + " bytes on a 64-bit platform)");
        }
    }
}
