package dev.nemotron.eval.ruler;

/**
 * An estimate of how many tokens a sample gains when its haystack has size {@code n} (words,
 * sentences, list entries — whatever the task grows by), built from the token counts of the
 * pieces rather than by encoding whole prompts. The estimate is 0 at size 0 and never decreases.
 */
interface SizeModel {
    /** Estimated tokens added by a haystack of size {@code n}, for {@code 0 <= n <= limit()}. */
    long estimate(int n);

    /** The largest size available (a finite word list, or {@link Integer#MAX_VALUE}). */
    int limit();

    /**
     * The largest size whose estimate is at most {@code budget} (0 when even size 1 exceeds it):
     * doubling, then bisection, on the monotone estimate.
     */
    default int largestWithin(long budget) {
        int limit = limit();
        if (budget < 0 || limit == 0 || estimate(1) > budget) {
            return 0;
        }
        long lo = 1;
        long hi = 2;
        while (hi <= limit && estimate((int) hi) <= budget) {
            lo = hi;
            hi *= 2;
        }
        if (hi > limit) {
            if (estimate(limit) <= budget) {
                return limit;
            }
            hi = limit;
        }
        // estimate(lo) <= budget < estimate(hi)
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (estimate((int) mid) <= budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (int) lo;
    }
}
