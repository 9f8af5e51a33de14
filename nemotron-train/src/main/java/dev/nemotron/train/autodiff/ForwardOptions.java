package dev.nemotron.train.autodiff;

import dev.nemotron.train.autodiff.activation.ActivationObserver;

/**
 * What one {@link TrainableModel#forward} keeps besides the logits.
 *
 * @param forBackward  keep every activation {@link ForwardPass#backward} needs (memory: all
 *                     layers' intermediate tensors for the whole sequence)
 * @param hiddenStates keep the hidden states as HF's {@code output_hidden_states}: the embeddings,
 *                     the residual stream after each block but the last, and the last after
 *                     {@code norm_f} ([L, d] each, layers + 1 of them)
 * @param observer     called with named activations as the pass computes them (forward only), or null
 */
public record ForwardOptions(boolean forBackward, boolean hiddenStates, ActivationObserver observer) {
    /** Logits only. */
    public static ForwardOptions inference() {
        return new ForwardOptions(false, false, null);
    }

    /** Logits and the saved activations: {@link ForwardPass#backward} can run. */
    public static ForwardOptions training() {
        return new ForwardOptions(true, false, null);
    }

    /** These options, also keeping the hidden states. */
    public ForwardOptions withHiddenStates() {
        return new ForwardOptions(forBackward, true, observer);
    }

    /** These options, also reporting activations to {@code o}. */
    public ForwardOptions withObserver(ActivationObserver o) {
        return new ForwardOptions(forBackward, hiddenStates, o);
    }
}
