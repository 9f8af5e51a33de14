package dev.nemotron.compress.prune;

import dev.nemotron.api.NemotronException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pruned model keeps of the original, by index into the original: the layers (depth), the
 * hidden (embedding) channels, and per layer its own units (Mamba-2 heads, attention query heads,
 * MLP neurons; see {@link dev.nemotron.api.layer.LayerResize}). {@code null} keeps everything;
 * {@link #identity()} keeps everything everywhere, and pruning with it copies the model bit for bit.
 *
 * @param keptLayers the layers kept, ascending (renumbered 0.. in the pruned model), or null for all
 * @param hiddenKept the hidden channels kept, ascending, or null for all
 * @param unitsKept  original layer index to the units it keeps, ascending; a layer not listed keeps all
 */
public record PrunePlan(int[] keptLayers, int[] hiddenKept, Map<Integer, int[]> unitsKept) {
    public PrunePlan {
        keptLayers = ascending("kept layers", keptLayers);
        hiddenKept = ascending("kept hidden channels", hiddenKept);
        Map<Integer, int[]> u = new TreeMap<>();
        if (unitsKept != null) {
            unitsKept.forEach((layer, kept) -> u.put(layer, ascending("kept units of layer " + layer, kept)));
        }
        unitsKept = Collections.unmodifiableMap(u);
    }

    /** Keeps everything: pruning with it reproduces the model exactly. */
    public static PrunePlan identity() {
        return new PrunePlan(null, null, Map.of());
    }

    /** The units {@code layer} keeps, or null for all. */
    public int[] units(int layer) {
        int[] k = unitsKept.get(layer);
        return k == null ? null : k.clone();
    }

    @Override
    public int[] keptLayers() {
        return keptLayers == null ? null : keptLayers.clone();
    }

    @Override
    public int[] hiddenKept() {
        return hiddenKept == null ? null : hiddenKept.clone();
    }

    /** This plan, keeping only {@code layers} (ascending original indices). */
    public PrunePlan withLayers(int[] layers) {
        return new PrunePlan(layers, hiddenKept, unitsKept);
    }

    private static int[] ascending(String what, int[] kept) {
        if (kept == null) {
            return null;
        }
        if (kept.length == 0) {
            throw new NemotronException(what + ": at least one must be kept");
        }
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] < 0 || (i > 0 && kept[i] <= kept[i - 1])) {
                throw new NemotronException(what + " must be ascending, distinct and >= 0, got " + Arrays.toString(kept));
            }
        }
        return kept.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PrunePlan p) || !Arrays.equals(p.keptLayers, keptLayers) || !Arrays.equals(p.hiddenKept, hiddenKept)
                || !p.unitsKept.keySet().equals(unitsKept.keySet())) {
            return false;
        }
        return unitsKept.keySet().stream().allMatch(k -> Arrays.equals(unitsKept.get(k), p.unitsKept.get(k)));
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(keptLayers) + Arrays.hashCode(hiddenKept);
    }

    @Override
    public String toString() {
        return "PrunePlan[layers=" + Arrays.toString(keptLayers) + ", hidden=" + (hiddenKept == null ? "all" : hiddenKept.length)
                + ", units=" + unitsKept.keySet() + "]";
    }
}
