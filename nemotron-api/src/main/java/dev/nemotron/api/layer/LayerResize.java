package dev.nemotron.api.layer;

import dev.nemotron.api.NemotronException;
import java.util.Arrays;

/**
 * What a narrower layer keeps (pruning): indices into the original layer, ascending, no repeats.
 * {@code null} keeps everything along that dimension.
 *
 * @param hiddenKept the hidden (embedding) channels kept, indices into {@code hidden_size}; every
 *                   projection's input or output along the hidden axis is sliced the same way
 * @param unitsKept  the layer's own prunable units kept: Mamba-2 heads (the same number in every
 *                   group), attention query heads (the same number for every KV head), MLP neurons;
 *                   a factory documents its unit in {@link MixerFactory#resize}
 */
public record LayerResize(int[] hiddenKept, int[] unitsKept) {
    public LayerResize {
        hiddenKept = check("hiddenKept", hiddenKept);
        unitsKept = check("unitsKept", unitsKept);
    }

    /** Keeps only the listed units (heads, neurons); every hidden channel stays. */
    public static LayerResize units(int... kept) {
        return new LayerResize(null, kept);
    }

    /** Keeps only the listed hidden channels; every unit stays. */
    public static LayerResize hidden(int... kept) {
        return new LayerResize(kept, null);
    }

    private static int[] check(String what, int[] kept) {
        if (kept == null) {
            return null;
        }
        if (kept.length == 0) {
            throw new IllegalArgumentException(what + " must keep at least one index");
        }
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] < 0 || (i > 0 && kept[i] <= kept[i - 1])) {
                throw new IllegalArgumentException(what + " must be ascending, distinct and >= 0, got "
                        + Arrays.toString(kept));
            }
        }
        return kept.clone();
    }

    @Override
    public int[] hiddenKept() {
        return hiddenKept == null ? null : hiddenKept.clone();
    }

    @Override
    public int[] unitsKept() {
        return unitsKept == null ? null : unitsKept.clone();
    }

    /**
     * {@code kept} for an axis of {@code size}: the kept indices, all of them when null.
     *
     * @throws NemotronException naming {@code what} when an index is out of range
     */
    public static int[] orAll(int[] kept, int size, String what) {
        if (kept == null) {
            int[] all = new int[size];
            Arrays.setAll(all, i -> i);
            return all;
        }
        if (kept[kept.length - 1] >= size) {
            throw new NemotronException(what + " index " + kept[kept.length - 1] + " is out of range (the layer has "
                    + size + ")");
        }
        return kept.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerResize r && Arrays.equals(r.hiddenKept, hiddenKept) && Arrays.equals(r.unitsKept, unitsKept);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(hiddenKept) + Arrays.hashCode(unitsKept);
    }

    @Override
    public String toString() {
        return "LayerResize[hiddenKept=" + Arrays.toString(hiddenKept) + ", unitsKept=" + Arrays.toString(unitsKept) + "]";
    }
}
