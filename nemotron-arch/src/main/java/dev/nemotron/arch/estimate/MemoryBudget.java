package dev.nemotron.arch.estimate;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MemoryEstimate} held against a memory budget, line by line, in the order memory is
 * taken at load and during generation: weights, KV cache, SSM state, conv state, then a stated
 * overhead (framework workspace, fragmentation; 0 when the budget already leaves room for it).
 *
 * <pre>
 * cumulative_i = sum of lines 0..i
 * breaks = the first line i with cumulative_i > budget (none: the model fits)
 * </pre>
 *
 * @param budgetBytes   the memory the model may use
 * @param overheadBytes the stated overhead added on top of the estimate
 * @param lines         the budget lines, in order
 * @param breaks        the first line whose cumulative total exceeds the budget, or null when it fits
 */
public record MemoryBudget(long budgetBytes, long overheadBytes, List<Line> lines, Line breaks) {
    public static final double GIB = 1024.0 * 1024 * 1024;

    /** One budget line: its own bytes and the running total up to and including it. */
    public record Line(String name, long bytes, long cumulativeBytes) {
    }

    public MemoryBudget {
        lines = List.copyOf(lines);
    }

    /** Holds {@code estimate} plus {@code overheadBytes} against {@code budgetBytes}. */
    public static MemoryBudget check(MemoryEstimate estimate, long budgetBytes, long overheadBytes) {
        if (budgetBytes <= 0 || overheadBytes < 0) {
            throw new IllegalArgumentException("the budget must be positive and the overhead >= 0");
        }
        long[] bytes = {estimate.weightsBytes(), estimate.kvCacheBytes(), estimate.ssmStateBytes(),
                estimate.convStateBytes(), overheadBytes};
        String[] names = {"weights", "kv_cache", "ssm_state", "conv_state", "overhead"};
        List<Line> lines = new ArrayList<>();
        Line breaks = null;
        long sum = 0;
        for (int i = 0; i < bytes.length; i++) {
            sum += bytes[i];
            Line line = new Line(names[i], bytes[i], sum);
            lines.add(line);
            if (breaks == null && sum > budgetBytes) {
                breaks = line;
            }
        }
        return new MemoryBudget(budgetBytes, overheadBytes, lines, breaks);
    }

    public boolean feasible() {
        return breaks == null;
    }

    public long totalBytes() {
        return lines.getLast().cumulativeBytes();
    }

    /** Bytes left under the budget (negative: over it). */
    public long headroomBytes() {
        return budgetBytes - totalBytes();
    }

    /** The broken line in words, e.g. "kv_cache: weights .. kv_cache = 20.41 GiB > budget 19.66 GiB"; null when it fits. */
    public String describeBreak() {
        if (breaks == null) {
            return null;
        }
        String upTo = breaks.name().equals("weights") ? "weights" : "weights .. " + breaks.name();
        return String.format("%s: %s = %.2f GiB > budget %.2f GiB", breaks.name(), upTo, breaks.cumulativeBytes() / GIB,
                budgetBytes / GIB);
    }
}
