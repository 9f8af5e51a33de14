package dev.nemotron.api.options;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for a misspelt key: the known key closest to an unknown one by edit distance
 * (insertions, deletions, substitutions and swaps of neighbours), if it is close enough to be a
 * likely typo.
 */
public final class Suggestions {
    /** Keys longer than this are compared as if this long, so one check costs bounded work. */
    private static final int MAX_COMPARED = 128;

    private Suggestions() {
    }

    /**
     * The known key closest to {@code unknown}, when at most a third of its characters (and at
     * least one) differ; ties go to the first in {@code known}'s order.
     */
    public static Optional<String> closest(String unknown, Collection<String> known) {
        String u = cut(unknown.toLowerCase(Locale.ROOT));
        int limit = Math.max(1, u.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(u, cut(k.toLowerCase(Locale.ROOT)));
            if (d <= limit && d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code "; did you mean 'KEY'?"} for the closest known key, or the empty string. */
    public static String didYouMean(String unknown, Collection<String> known) {
        return closest(unknown, known).map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    /**
     * "Did you mean" for several unknown keys: {@code "; did you mean 'KEY'?"} when there is one,
     * {@code "; did you mean 'steps' for 'stepz', 'lr' for 'lrr'?"} when there are more (those
     * without a close known key left out), or the empty string.
     */
    public static String didYouMean(Collection<String> unknown, Collection<String> known) {
        if (unknown.size() == 1) {
            return didYouMean(unknown.iterator().next(), known);
        }
        List<String> hints = new ArrayList<>();
        for (String u : unknown) {
            closest(u, known).ifPresent(k -> hints.add("'" + k + "' for '" + u + "'"));
        }
        return hints.isEmpty() ? "" : "; did you mean " + String.join(", ", hints) + "?";
    }

    /** The optimal-string-alignment distance between {@code a} and {@code b}. */
    static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[] prev2 = new int[m + 1];
        int[] prev = new int[m + 1];
        int[] cur = new int[m + 1];
        for (int j = 0; j <= m; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= n; i++) {
            cur[0] = i;
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, prev2[j - 2] + 1);
                }
                cur[j] = v;
            }
            int[] t = prev2;
            prev2 = prev;
            prev = cur;
            cur = t;
        }
        return prev[m];
    }

    private static String cut(String s) {
        return s.length() > MAX_COMPARED ? s.substring(0, MAX_COMPARED) : s;
    }
}
