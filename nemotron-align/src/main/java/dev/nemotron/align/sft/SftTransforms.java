package dev.nemotron.align.sft;

import dev.nemotron.api.NemotronException;
import java.util.SplittableRandom;

/**
 * The paper's SFT transforms (§3), decided per conversation from a seed, so that the same data
 * and seed always give the same samples:
 *
 * <ul>
 *   <li>reasoning off: a fraction of conversations (paper: 10 %) is rendered with reasoning
 *       switched off and an empty trace ({@code <think></think>} then the answer), so that
 *       thinking can be switched off at inference;</li>
 *   <li>truncated traces (for budget control): a fraction of the reasoning samples has its trace
 *       cut at N tokens, N drawn uniformly from {@code [truncateMin, truncateMax]}, then closed with
 *       {@code </think>} and followed by the full answer.</li>
 * </ul>
 *
 * @param noThinkFraction  fraction rendered with reasoning off, in [0, 1]
 * @param truncateMin      smallest cut (tokens); 0 with {@code truncateMax} 0 when traces are kept whole
 * @param truncateMax      largest cut (tokens)
 * @param truncateFraction fraction of the reasoning samples whose trace is cut, in [0, 1]
 * @param seed             the seed of every decision
 */
public record SftTransforms(double noThinkFraction, int truncateMin, int truncateMax, double truncateFraction, long seed) {
    /** The paper's default: 10 % reasoning off, traces kept whole. */
    public static final double DEFAULT_NO_THINK_FRACTION = 0.1;

    public SftTransforms {
        if (!(noThinkFraction >= 0 && noThinkFraction <= 1) || !(truncateFraction >= 0 && truncateFraction <= 1)) {
            throw new NemotronException("no_think_fraction and truncate_fraction must be in [0, 1]");
        }
        if (truncateMin < 0 || truncateMax < truncateMin || (truncateMax > 0 && truncateMin < 1)) {
            throw new NemotronException("truncate_trace must be MIN:MAX tokens with 1 <= MIN <= MAX, got "
                    + truncateMin + ":" + truncateMax);
        }
    }

    /** Reasoning kept whole, {@code noThinkFraction} off. */
    public static SftTransforms of(double noThinkFraction, long seed) {
        return new SftTransforms(noThinkFraction, 0, 0, 0, seed);
    }

    /** This with traces cut at {@code min..max} tokens in {@code fraction} of the reasoning samples. */
    public SftTransforms withTruncation(int min, int max, double fraction) {
        return new SftTransforms(noThinkFraction, min, max, fraction, seed);
    }

    /** Parses {@code MIN:MAX} (or a single {@code N}) as a token range. */
    public static int[] parseRange(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        try {
            int lo = Integer.parseInt(colon < 0 ? t : t.substring(0, colon).strip());
            int hi = colon < 0 ? lo : Integer.parseInt(t.substring(colon + 1).strip());
            if (lo < 1 || hi < lo) {
                throw new NumberFormatException();
            }
            return new int[] {lo, hi};
        } catch (NumberFormatException e) {
            throw new NemotronException("truncate_trace must be MIN:MAX tokens with 1 <= MIN <= MAX (e.g. 8:32), got '" + text + "'");
        }
    }

    public boolean truncates() {
        return truncateMax > 0 && truncateFraction > 0;
    }

    /**
     * The decisions for conversation {@code index}.
     *
     * <pre>
     * 1. rng = SplittableRandom(seed) split to the conversation: independent of the other conversations
     * 2. u1 &lt; noThinkFraction                     → reasoning off
     * 3. u2 &lt; truncateFraction (when truncating)  → cut at N = truncateMin + uniform(0 .. truncateMax - truncateMin)
     * </pre>
     */
    public Decision decide(long index) {
        SplittableRandom rng = new SplittableRandom(mix(seed, index));
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        int n = truncateMax > 0 ? truncateMin + rng.nextInt(truncateMax - truncateMin + 1) : -1;
        return new Decision(u1 < noThinkFraction, truncates() && u2 < truncateFraction ? n : -1);
    }

    /** What happens to one conversation: reasoning off, and the cut (-1: none). */
    public record Decision(boolean reasoningOff, int truncateTo) {
    }

    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
