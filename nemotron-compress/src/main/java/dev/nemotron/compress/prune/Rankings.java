package dev.nemotron.compress.prune;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What pruning keeps first: scores (higher = more important) for every prunable unit, and the
 * order in which layers are dropped. From {@link MagnitudeRanking} (weights only) or from the
 * activation-based importance estimate ({@code dev.nemotron.compress.importance}).
 *
 * @param source           how the scores were obtained ({@code "magnitude"} or {@code "importance"}), for the output
 * @param layerRemovalOrder every layer index, least important first: depth pruning to N layers
 *                         drops the first {@code L - N}; null when depth was not ranked
 * @param hiddenChannels   one score per hidden (embedding) channel
 * @param mlpNeurons       per MLP layer: one score per neuron
 * @param mambaHeads       per Mamba-2 layer: one score per head
 * @param attentionHeads   per attention layer: one score per query head (may be empty)
 */
public record Rankings(String source, int[] layerRemovalOrder, double[] hiddenChannels, Map<Integer, double[]> mlpNeurons,
                       Map<Integer, double[]> mambaHeads, Map<Integer, double[]> attentionHeads) {
    public Rankings {
        layerRemovalOrder = layerRemovalOrder == null ? null : layerRemovalOrder.clone();
        hiddenChannels = hiddenChannels.clone();
        mlpNeurons = Collections.unmodifiableMap(new TreeMap<>(mlpNeurons));
        mambaHeads = Collections.unmodifiableMap(new TreeMap<>(mambaHeads));
        attentionHeads = Collections.unmodifiableMap(new TreeMap<>(attentionHeads));
    }

    @Override
    public int[] layerRemovalOrder() {
        return layerRemovalOrder == null ? null : layerRemovalOrder.clone();
    }

    @Override
    public double[] hiddenChannels() {
        return hiddenChannels.clone();
    }
}
