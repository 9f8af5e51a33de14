package dev.nemotron.arch.model;

import dev.nemotron.api.layer.MixerState;

/**
 * Everything one sequence keeps between steps: per layer, the mixer's state (a KV cache for
 * attention, conv window + SSM state for Mamba, nothing for MLP), and how many tokens it has seen.
 * Created by {@link HybridModel#newSequence()}; not thread-safe.
 */
public final class SequenceState {
    private final MixerState[] layers;
    private int length;

    SequenceState(MixerState[] layers) {
        this.layers = layers;
    }

    /** Tokens processed so far. */
    public int length() {
        return length;
    }

    /** Bytes of cache and state held now. */
    public long bytes() {
        long n = 0;
        for (MixerState s : layers) {
            if (s != null) {
                n += s.bytes();
            }
        }
        return n;
    }

    /** An independent copy: the two sequences continue separately. */
    public SequenceState copy() {
        MixerState[] c = new MixerState[layers.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = layers[i] == null ? null : layers[i].copy();
        }
        SequenceState s = new SequenceState(c);
        s.length = length;
        return s;
    }

    MixerState layer(int i) {
        return layers[i];
    }

    void advance(int tokens) {
        length += tokens;
    }
}
