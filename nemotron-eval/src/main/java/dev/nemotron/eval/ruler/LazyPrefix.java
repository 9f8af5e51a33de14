package dev.nemotron.eval.ruler;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * Prefix sums of per-item token counts, computed on demand: {@code sum(n)} is the total of items
 * {@code 0..n-1}. Used by the size models; one instance per sample, not thread-safe.
 */
final class LazyPrefix {
    private final IntUnaryOperator itemTokens;
    private long[] prefix = new long[1024];
    private int known;

    /** @param itemTokens the token count of item {@code i} */
    LazyPrefix(IntUnaryOperator itemTokens) {
        this.itemTokens = itemTokens;
    }

    /** The summed tokens of the first {@code n} items. */
    long sum(int n) {
        while (known < n) {
            if (known + 1 >= prefix.length) {
                prefix = Arrays.copyOf(prefix, prefix.length * 2);
            }
            prefix[known + 1] = prefix[known] + itemTokens.applyAsInt(known);
            known++;
        }
        return prefix[n];
    }

    /** The largest {@code n <= limit} with {@code sum(n) <= budget}, extending one item at a time. */
    int largestWithin(long budget, int limit) {
        if (budget < 0) {
            return 0;
        }
        while (known < limit && prefix[known] <= budget) {
            sum(known + 1);
        }
        int n = Math.min(known, limit);
        while (n > 0 && prefix[n] > budget) {
            n--;
        }
        return n;
    }
}
