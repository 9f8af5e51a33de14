package dev.nemotron.backend.cuda.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The single kernels of {@code nemotron_cuda.h} ({@code nmc_k_*}) on host memory. Every pointer
 * argument is a native segment ({@link MemorySegment#NULL} where the header allows null);
 * weights carry their dtype code ({@link NmcLayouts#NMC_F32} ...). Failures throw a
 * {@link dev.nemotron.api.NemotronException} with {@code nmc_last_error()}.
 */
public final class NmcKernels {
    private final NmcLibrary lib;
    private final MethodHandle matmul;
    private final MethodHandle rmsNorm;
    private final MethodHandle gatedGroupRmsNorm;
    private final MethodHandle activation;
    private final MethodHandle causalConv1d;
    private final MethodHandle ssmScan;
    private final MethodHandle causalAttention;
    private final MethodHandle quantizeFp8;

    NmcKernels(NmcLibrary lib, NmcLibrary.Binder b) {
        this.lib = lib;
        matmul = b.bind("nmc_k_matmul", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS, ADDRESS));
        rmsNorm = b.bind("nmc_k_rms_norm", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_FLOAT, ADDRESS));
        gatedGroupRmsNorm = b.bind("nmc_k_gated_group_rms_norm", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_FLOAT, ADDRESS));
        activation = b.bind("nmc_k_activation", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        causalConv1d = b.bind("nmc_k_causal_conv1d", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        ssmScan = b.bind("nmc_k_ssm_scan", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        causalAttention = b.bind("nmc_k_causal_attention", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        quantizeFp8 = b.bind("nmc_k_quantize_fp8", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS));
    }

    /**
     * {@code nmc_k_quantize_fp8}: the FP8 quantisation kernel of {@code nmc_model_quantize_fp8} on
     * a BF16 matrix {@code w [out, in]}: codes {@code q [out, in]}, scales {@code [out]} (block 0)
     * or {@code [ceil(out/block) * ceil(in/block)]}.
     */
    public void quantizeFp8(MemorySegment wBf16, int out, int in, int block, MemorySegment q, MemorySegment scale) {
        try {
            lib.check((int) quantizeFp8.invokeExact(wBf16, out, in, block, q, scale), "nmc_k_quantize_fp8");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** Activation kinds of {@code nmc_k_activation}. */
    public enum Activation {
        SILU, RELU2, SOFTPLUS
    }

    public void matmul(MemorySegment x, int rows, int in, int wDtype, MemorySegment w, int outFeatures, MemorySegment bias,
                       MemorySegment out) {
        try {
            lib.check((int) matmul.invokeExact(x, rows, in, wDtype, w, outFeatures, bias, out), "nmc_k_matmul");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void rmsNorm(MemorySegment x, int rows, int dim, int wDtype, MemorySegment w, float eps, MemorySegment out) {
        try {
            lib.check((int) rmsNorm.invokeExact(x, rows, dim, wDtype, w, eps, out), "nmc_k_rms_norm");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void gatedGroupRmsNorm(MemorySegment y, MemorySegment z, int rows, int dim, int groups, int wDtype,
                                  MemorySegment w, float eps, MemorySegment out) {
        try {
            lib.check((int) gatedGroupRmsNorm.invokeExact(y, z, rows, dim, groups, wDtype, w, eps, out),
                    "nmc_k_gated_group_rms_norm");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void activation(Activation kind, MemorySegment x, int n) {
        try {
            lib.check((int) activation.invokeExact(kind.ordinal(), x, n), "nmc_k_activation");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void causalConv1d(MemorySegment x, int seqLen, int channels, int kernel, int wDtype, MemorySegment w,
                             MemorySegment bias, MemorySegment window, MemorySegment out) {
        try {
            lib.check((int) causalConv1d.invokeExact(x, seqLen, channels, kernel, wDtype, w, bias, window, out),
                    "nmc_k_causal_conv1d");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** {@code chunkSize <= 0} runs the recurrent form. */
    public void ssmScan(int heads, int headDim, int groups, int stateSize, int seqLen, int chunkSize, MemorySegment x,
                        MemorySegment dt, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d,
                        MemorySegment state, MemorySegment y) {
        try {
            lib.check((int) ssmScan.invokeExact(heads, headDim, groups, stateSize, seqLen, chunkSize, x, dt, a, b, c, d,
                    state, y), "nmc_k_ssm_scan");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void causalAttention(int queries, int keys, int qHeads, int kvHeads, int headDim, float scale, MemorySegment q,
                                MemorySegment k, MemorySegment v, MemorySegment out) {
        try {
            lib.check((int) causalAttention.invokeExact(queries, keys, qHeads, kvHeads, headDim, scale, q, k, v, out),
                    "nmc_k_causal_attention");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }
}
