package dev.nemotron.compress.nas;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which layers a depth-pruned candidate keeps.
 *
 * <pre>
 * given an order (layer indices, most removable first, e.g. the layer-importance order):
 *     drop the first L - d entries
 * else (no model to rank layers with): drop L - d layers evenly spaced over the stack,
 *     r = L - d, dropped_i = floor((i + 1/2) L / r), i = 0 .. r-1
 * </pre>
 * Memory depends only on how many layers of each type remain, so the default's choice matters for
 * the estimate only through the types it happens to hit; the pattern is reported with each candidate.
 */
public final class DepthPlan {
    private final String pattern;
    private final List<Integer> order;

    /** @param order layer indices in removal order, or null for the evenly spaced default */
    public DepthPlan(String pattern, List<Integer> order) {
        this.pattern = pattern;
        if (order != null) {
            BitSet seen = new BitSet();
            for (int i : order) {
                if (i < 0 || i >= pattern.length() || seen.get(i)) {
                    throw new NemotronException("layer removal order: " + i + " is "
                            + (seen.get(i) ? "repeated" : "not a layer of the " + pattern.length() + "-layer model"));
                }
                seen.set(i);
            }
        }
        this.order = order == null ? null : List.copyOf(order);
    }

    /** Whether the evenly spaced default is used. */
    public boolean evenlySpaced() {
        return order == null;
    }

    /** The layers dropped to keep {@code depth} of them, in increasing order. */
    public List<Integer> dropped(int depth) {
        int n = pattern.length();
        int r = n - depth;
        if (r < 0) {
            throw new NemotronException("cannot keep " + depth + " layers of a " + n + "-layer model");
        }
        BitSet drop = new BitSet();
        if (order != null) {
            if (r > order.size()) {
                throw new NemotronException("keeping " + depth + " layers drops " + r + " but the removal order names only "
                        + order.size());
            }
            for (int i = 0; i < r; i++) {
                drop.set(order.get(i));
            }
        } else {
            for (int i = 0; i < r; i++) {
                drop.set((int) Math.floor((i + 0.5) * n / r));
            }
        }
        List<Integer> out = new ArrayList<>();
        drop.stream().forEach(out::add);
        return out;
    }

    /** The pattern of the kept layers. */
    public String keptPattern(int depth) {
        List<Integer> dropped = dropped(depth);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            if (!dropped.contains(i)) {
                sb.append(pattern.charAt(i));
            }
        }
        return sb.toString();
    }
}
