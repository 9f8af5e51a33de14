package dev.nemotron.train.autodiff;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.activation.ActivationObserver;

/**
 * What one {@link TrainableModel#forward} keeps besides the logits, and the row's sample boundaries.
 *
 * @param forBackward  keep every activation {@link ForwardPass#backward} needs (memory: all
 *                     layers' intermediate tensors for the whole sequence)
 * @param hiddenStates keep the hidden states as HF's {@code output_hidden_states}: the embeddings,
 *                     the residual stream after each block but the last, and the last after
 *                     {@code norm_f} ([L, d] each, layers + 1 of them)
 * @param observer     called with named activations as the pass computes them (forward only), or null
 * @param segments     the samples packed into the row, kept apart in every layer (their lengths
 *                     must sum to the number of tokens), or null: one sample, the whole row
 */
public record ForwardOptions(boolean forBackward, boolean hiddenStates, ActivationObserver observer,
                             Segments segments) {
    /** Options for an unpacked row (one segment). */
    public ForwardOptions(boolean forBackward, boolean hiddenStates, ActivationObserver observer) {
        this(forBackward, hiddenStates, observer, null);
    }

    /** Logits only. */
    public static ForwardOptions inference() {
        return new ForwardOptions(false, false, null, null);
    }

    /** Logits and the saved activations: {@link ForwardPass#backward} can run. */
    public static ForwardOptions training() {
        return new ForwardOptions(true, false, null, null);
    }

    /** These options, also keeping the hidden states. */
    public ForwardOptions withHiddenStates() {
        return new ForwardOptions(forBackward, true, observer, segments);
    }

    /** These options, also reporting activations to {@code o}. */
    public ForwardOptions withObserver(ActivationObserver o) {
        return new ForwardOptions(forBackward, hiddenStates, o, segments);
    }

    /**
     * These options for a packed row: {@code s} gives the lengths of its samples, which no layer
     * lets see each other (null: one sample).
     */
    public ForwardOptions withSegments(Segments s) {
        return new ForwardOptions(forBackward, hiddenStates, observer, s);
    }
}
