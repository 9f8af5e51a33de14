package dev.nemotron.arch.layer.mlp;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.tensor.Tensor;

/**
 * <pre>
 * x [L, d] -> out [L, d];  F = intermediate_size
 * 1. h = up_proj(x)     [L, F]
 * 2. h = relu(h)^2
 * 3. out = down_proj(h) [L, d]
 * </pre>
 */
final class MlpMixer implements Mixer {
    private final int intermediate;
    private final Tensor up;
    private final Tensor upBias;
    private final Tensor down;
    private final Tensor downBias;
    private final Kernels kernels;

    MlpMixer(int intermediate, Tensor up, Tensor upBias, Tensor down, Tensor downBias, Kernels kernels) {
        this.intermediate = intermediate;
        this.up = up;
        this.upBias = upBias;
        this.down = down;
        this.downBias = downBias;
        this.kernels = kernels;
    }

    @Override
    public void forward(float[] x, int seqLen, float[] out) {
        float[] h = new float[seqLen * intermediate];
        kernels.linear().matmul(x, seqLen, up, upBias, h);
        kernels.activations().relu2(h, h.length);
        kernels.linear().matmul(h, seqLen, down, downBias, out);
    }
}
