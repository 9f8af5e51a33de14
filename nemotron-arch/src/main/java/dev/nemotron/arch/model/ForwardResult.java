package dev.nemotron.arch.model;

import java.util.List;

/**
 * The output of a prefill forward pass over {@code seqLen} tokens.
 *
 * @param logits [seqLen, vocab] row-major
 * @param hidden empty, or {@code numLayers + 1} arrays of [seqLen, hidden]: index 0 the embedding
 *               output, index j the output of layer j-1 for j < numLayers, and the last one the
 *               output of the last layer after {@code norm_f} (as HF's {@code output_hidden_states})
 */
public record ForwardResult(int seqLen, int vocab, float[] logits, List<float[]> hidden) {
    public ForwardResult {
        hidden = List.copyOf(hidden);
    }
}
