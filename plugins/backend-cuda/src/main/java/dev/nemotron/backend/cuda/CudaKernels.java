package dev.nemotron.backend.cuda;

import dev.nemotron.api.backend.ActivationKernels;
import dev.nemotron.api.backend.AttentionKernels;
import dev.nemotron.api.backend.LinearKernels;
import dev.nemotron.api.backend.MambaKernels;
import dev.nemotron.api.backend.NormKernels;
import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.cuda.ffi.NmcKernels;
import dev.nemotron.backend.cuda.ffi.NmcKernels.Activation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The {@link dev.nemotron.api.backend.Backend} kernel interfaces through the library's
 * {@code nmc_k_*} functions: inputs are copied into a confined arena, the kernel runs on the GPU
 * (copy in, run, copy out inside the library), outputs are copied back. Slow by design: for
 * conformance checks and kernel-by-kernel use; models run through {@link CudaModelExecution}.
 */
final class CudaKernels implements LinearKernels, NormKernels, MambaKernels, AttentionKernels, ActivationKernels {
    private final NmcKernels k;

    CudaKernels(NmcKernels k) {
        this.k = k;
    }

    @Override
    public void matmul(float[] x, int rows, Tensor weight, Tensor bias, float[] out) {
        int outF = Math.toIntExact(weight.dim(0));
        int in = Math.toIntExact(weight.dim(1));
        if (rows == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment o = HostMemory.output(arena, out, (long) rows * outF);
            k.matmul(HostMemory.floats(arena, x, (long) rows * in), rows, in, HostMemory.dtypeCode(weight.dtype()),
                    HostMemory.nativeData(arena, weight), outF, HostMemory.nativeDataAs(arena, bias, weight.dtype()), o);
            HostMemory.copyBack(o, out, (long) rows * outF);
        }
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, Tensor weight, float eps, float[] out) {
        long n = (long) rows * dim;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = HostMemory.floats(arena, x, n);
            MemorySegment o = HostMemory.output(arena, out, n);
            k.rmsNorm(xs, rows, dim, HostMemory.dtypeCode(weight.dtype()), HostMemory.nativeData(arena, weight), eps, o);
            HostMemory.copyBack(o, out, n);
        }
    }

    @Override
    public void gatedGroupRmsNorm(float[] y, float[] z, int rows, int dim, int groups, Tensor weight, float eps,
                                  float[] out) {
        long n = (long) rows * dim;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ys = HostMemory.floats(arena, y, n);
            MemorySegment zs = HostMemory.floats(arena, z, n);
            MemorySegment o = HostMemory.output(arena, out, n);
            k.gatedGroupRmsNorm(ys, zs, rows, dim, groups, HostMemory.dtypeCode(weight.dtype()),
                    HostMemory.nativeData(arena, weight), eps, o);
            HostMemory.copyBack(o, out, n);
        }
    }

    @Override
    public void causalConv1d(float[] x, int seqLen, int channels, Tensor weight, Tensor bias, float[] window,
                             float[] out) {
        int kernel = Math.toIntExact(weight.dim(weight.rank() - 1));
        long n = (long) seqLen * channels;
        long w = (long) channels * (kernel - 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment win = HostMemory.floatsOrNull(arena, window, w);
            MemorySegment o = HostMemory.output(arena, out, n);
            k.causalConv1d(HostMemory.floats(arena, x, n), seqLen, channels, kernel, HostMemory.dtypeCode(weight.dtype()),
                    HostMemory.nativeData(arena, weight), HostMemory.nativeDataAs(arena, bias, weight.dtype()), win, o);
            HostMemory.copyBack(o, out, n);
            HostMemory.copyBack(win, window, w);
        }
    }

    @Override
    public void chunkedScan(SsmShape shape, int seqLen, int chunkSize, float[] x, float[] dt, float[] a, float[] b,
                            float[] c, float[] d, float[] state, float[] y) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
        }
        scan(shape, seqLen, chunkSize, x, dt, a, b, c, d, state, y);
    }

    @Override
    public void recurrentScan(SsmShape shape, int seqLen, float[] x, float[] dt, float[] a, float[] b, float[] c,
                              float[] d, float[] state, float[] y) {
        scan(shape, seqLen, 0, x, dt, a, b, c, d, state, y);
    }

    private void scan(SsmShape s, int seqLen, int chunkSize, float[] x, float[] dt, float[] a, float[] b, float[] c,
                      float[] d, float[] state, float[] y) {
        long xy = (long) seqLen * s.innerSize();
        long bc = (long) seqLen * s.groups() * s.stateSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = HostMemory.floatsOrNull(arena, state, s.stateFloats());
            MemorySegment o = HostMemory.output(arena, y, xy);
            k.ssmScan(s.heads(), s.headDim(), s.groups(), s.stateSize(), seqLen, chunkSize,
                    HostMemory.floats(arena, x, xy), HostMemory.floats(arena, dt, (long) seqLen * s.heads()),
                    HostMemory.floats(arena, a, s.heads()), HostMemory.floats(arena, b, bc), HostMemory.floats(arena, c, bc),
                    HostMemory.floatsOrNull(arena, d, s.heads()), st, o);
            HostMemory.copyBack(o, y, xy);
            HostMemory.copyBack(st, state, s.stateFloats());
        }
    }

    @Override
    public void causalAttention(int queries, int keys, int qHeads, int kvHeads, int headDim, float scale, float[] q,
                                float[] kk, float[] v, float[] out) {
        long qn = (long) queries * qHeads * headDim;
        long kn = (long) keys * kvHeads * headDim;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment o = HostMemory.output(arena, out, qn);
            k.causalAttention(queries, keys, qHeads, kvHeads, headDim, scale, HostMemory.floats(arena, q, qn),
                    HostMemory.floats(arena, kk, kn), HostMemory.floats(arena, v, kn), o);
            HostMemory.copyBack(o, out, qn);
        }
    }

    @Override
    public void silu(float[] x, int n) {
        activate(Activation.SILU, x, n);
    }

    @Override
    public void relu2(float[] x, int n) {
        activate(Activation.RELU2, x, n);
    }

    @Override
    public void softplus(float[] x, int n) {
        activate(Activation.SOFTPLUS, x, n);
    }

    private void activate(Activation kind, float[] x, int n) {
        if (n == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = HostMemory.floats(arena, x, n);
            k.activation(kind, s, n);
            HostMemory.copyBack(s, x, n);
        }
    }
}
