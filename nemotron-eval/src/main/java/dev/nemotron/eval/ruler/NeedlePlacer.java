package dev.nemotron.eval.ruler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Builds a context from the first {@code n} pieces of a {@link Haystack} with needles between its
 * whole units: a needle at depth {@code d} (a fraction of the haystack) goes after
 * {@code floor(d × units)} whole units, so depth 0 puts it first and depth 1 after the last whole
 * unit — before the cut-short rest of a unit, if the haystack ends with one, so that a needle
 * always follows a complete sentence. Needles at the same boundary keep their order.
 */
final class NeedlePlacer {
    /**
     * The context built.
     *
     * @param context the text
     * @param offsets per needle, its first character in {@code context}
     * @param unitIndex per needle, the number of haystack units before it
     * @param units   the number of whole units of the haystack (a cut-short rest is not counted)
     */
    record Placed(String context, int[] offsets, int[] unitIndex, int units) {
    }

    private NeedlePlacer() {
    }

    /** The unit a needle at {@code depth} goes before, among {@code units}. */
    static int unitAt(double depth, int units) {
        return (int) Math.min(units, Math.floor(depth * units + 1e-9));
    }

    static Placed place(Haystack h, int n, List<String> needles, List<Double> depths) {
        List<int[]> unitRanges = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (i == n - 1 || h.unitEndsAfter(i)) {
                unitRanges.add(new int[] {start, i});
                start = i + 1;
            }
        }
        int units = n > 0 && !h.unitEndsAfter(n - 1) ? unitRanges.size() - 1 : unitRanges.size();
        int[] at = new int[needles.size()];
        for (int j = 0; j < at.length; j++) {
            at[j] = unitAt(depths.get(j), units);
        }
        int[] order = IntStream.range(0, at.length).boxed().sorted(Comparator.comparingInt(j -> at[j]))
                .mapToInt(Integer::intValue).toArray();
        int[] offsets = new int[needles.size()];
        StringBuilder sb = new StringBuilder();
        int next = 0;
        boolean afterNeedle = false;
        for (int u = 0; u <= unitRanges.size(); u++) {
            while (next < order.length && at[order[next]] == u) {
                if (!sb.isEmpty()) {
                    sb.append(h.needleJoiner());
                }
                offsets[order[next]] = sb.length();
                sb.append(needles.get(order[next]));
                next++;
                afterNeedle = true;
            }
            if (u < unitRanges.size()) {
                int[] r = unitRanges.get(u);
                for (int i = r[0]; i <= r[1]; i++) {
                    if (!sb.isEmpty()) {
                        sb.append(i == r[0] && afterNeedle ? h.needleJoiner() : h.joinerBefore(i));
                    }
                    sb.append(h.piece(i));
                }
                afterNeedle = false;
            }
        }
        return new Placed(sb.toString(), offsets, at, units);
    }
}
