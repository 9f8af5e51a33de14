package dev.nemotron.backend.java.mamba;

import dev.nemotron.api.backend.MambaKernels;
import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;

/** The Vector API Mamba-2 kernels: conv1d, SSD chunked scan and recurrent scan. */
public final class VectorMambaKernels implements MambaKernels {
    private final VectorCausalConv1d conv;
    private final VectorChunkedScan chunked;
    private final VectorRecurrentScan recurrent;

    public VectorMambaKernels(Parallel parallel) {
        this.conv = new VectorCausalConv1d(parallel);
        this.chunked = new VectorChunkedScan(parallel);
        this.recurrent = new VectorRecurrentScan(parallel);
    }

    @Override
    public void causalConv1d(float[] x, int seqLen, int channels, Tensor weight, Tensor bias,
                             float[] window, float[] out) {
        conv.apply(x, seqLen, channels, weight, bias, window, out);
    }

    @Override
    public void chunkedScan(SsmShape shape, int seqLen, int chunkSize, float[] x, float[] dt,
                            float[] a, float[] b, float[] c, float[] d, float[] state, float[] y) {
        chunked.apply(shape, seqLen, chunkSize, x, dt, a, b, c, d, state, y);
    }

    @Override
    public void recurrentScan(SsmShape shape, int seqLen, float[] x, float[] dt, float[] a,
                              float[] b, float[] c, float[] d, float[] state, float[] y) {
        recurrent.apply(shape, seqLen, x, dt, a, b, c, d, state, y);
    }
}
