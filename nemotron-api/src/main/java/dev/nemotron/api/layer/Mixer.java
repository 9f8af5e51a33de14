package dev.nemotron.api.layer;

/**
 * The token mixer of one layer (Mamba-2, attention, MLP, ...), bound to its weights and a backend.
 * The block around it (RMSNorm before, residual after) belongs to the model, not to the mixer.
 *
 * <p>Stateful mixers (attention, Mamba) return a fresh {@link MixerState} from {@link #newState()}
 * and continue from it in {@link #forward(float[], int, float[], MixerState)} (prefill, chunked)
 * and {@link #decode} (one token for each of several sequences). Stateless mixers (MLP) keep the
 * defaults.
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

    /** A new, empty state for one sequence; null when the mixer keeps none. */
    default MixerState newState() {
        return null;
    }

    /**
     * Runs {@code seqLen} new tokens of one sequence, continuing from {@code state} (null for a
     * stateless mixer) and updating it. With an empty state this equals {@link #forward(float[], int, float[])}.
     */
    default void forward(float[] x, int seqLen, float[] out, MixerState state) {
        forward(x, seqLen, out);
    }

    /**
     * One new token for each of {@code batch} sequences, each continuing from its own state.
     *
     * <pre>
     * x   [batch, hidden]   row b is the next token of the sequence of states[b]
     * out [batch, hidden]   overwritten
     * </pre>
     *
     * The default suits position-wise mixers without state (all {@code states[b]} null): the rows
     * are independent tokens. Stateful mixers must override it.
     */
    default void decode(float[] x, int batch, MixerState[] states, float[] out) {
        for (int b = 0; b < batch; b++) {
            if (states[b] != null) {
                throw new IllegalStateException(getClass().getName() + " keeps state but does not implement decode");
            }
        }
        forward(x, batch, out);
    }
}
