package dev.nemotron.api.layer;

/**
 * What one mixer keeps for one sequence between calls: the keys and values of an attention layer,
 * the conv window and SSM state of a Mamba layer. Created by {@link Mixer#newState()}, updated by
 * {@link Mixer#forward(float[], int, float[], MixerState)} and {@link Mixer#decode}.
 */
public interface MixerState {
    /** Bytes held now (capacity reserved included). */
    long bytes();

    /** An independent copy (to fork a sequence, e.g. for {@code n > 1} samples of one prompt). */
    MixerState copy();
}
