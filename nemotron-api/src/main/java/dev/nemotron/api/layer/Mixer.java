package dev.nemotron.api.layer;

/**
 * The token mixer of one layer (Mamba-2, attention, MLP, ...), bound to its weights and a backend.
 * The block around it (RMSNorm before, residual after) belongs to the model, not to the mixer.
 */
public interface Mixer {
    /**
     * Runs the mixer over one whole sequence, without cache.
     *
     * <pre>
     * x   [seqLen, hidden]  the normalised input (not modified)
     * out [seqLen, hidden]  overwritten
     * </pre>
     */
    void forward(float[] x, int seqLen, float[] out);
}
