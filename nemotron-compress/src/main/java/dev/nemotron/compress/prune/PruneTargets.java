package dev.nemotron.compress.prune;

import dev.nemotron.api.NemotronException;

/**
 * The pruned shape asked for; null leaves that dimension as it is.
 *
 * @param numLayers        layers kept (depth)
 * @param hiddenSize       hidden (embedding) channels kept
 * @param intermediateSize neurons kept in every MLP layer
 * @param mambaNumHeads    heads kept in every Mamba-2 layer (the same number in each group)
 */
public record PruneTargets(Integer numLayers, Integer hiddenSize, Integer intermediateSize, Integer mambaNumHeads) {
    public PruneTargets {
        positive("--num-layers", numLayers);
        positive("--hidden-size", hiddenSize);
        positive("--intermediate-size", intermediateSize);
        positive("--mamba-num-heads", mambaNumHeads);
    }

    /** Nothing pruned. */
    public static PruneTargets none() {
        return new PruneTargets(null, null, null, null);
    }

    public boolean isEmpty() {
        return numLayers == null && hiddenSize == null && intermediateSize == null && mambaNumHeads == null;
    }

    private static void positive(String option, Integer v) {
        if (v != null && v < 1) {
            throw new NemotronException(option + " must be at least 1, got " + v);
        }
    }
}
