package dev.nemotron.arch.layer;

import dev.nemotron.api.tensor.Tensor;

/** Small helpers mixers use on their weights. */
public final class LayerWeights {
    private LayerWeights() {
    }

    /** A small per-channel tensor (biases, A_log, D, ...) as a float array. */
    public static float[] floats(Tensor t) {
        return t == null ? null : t.toFloatArray();
    }
}
