package dev.nemotron.infer.sampling;

import dev.nemotron.api.NemotronException;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Stop strings and stop token ids of one request, checked against the growing output text.
 *
 * <p>Two questions per step, both answered without copying the text:
 * <ol>
 *   <li>{@link #find}: does a stop string occur, and where? The text to return is everything
 *       before it. With several stop strings the earliest occurrence wins, whatever their order
 *       in the request (so overlapping stop strings cut as early as possible).</li>
 *   <li>{@link #holdBack}: how many trailing characters could be the start of a stop string and
 *       must not be streamed yet (they are released, or cut, once more text arrives).</li>
 * </ol>
 * {@link #check} combines them for a streaming loop. Characters are UTF-16 units of the decoded
 * text.
 */
public final class StopMatcher {
    private final String[] stops;
    private final Set<Integer> stopTokenIds;
    private final int maxStopLength;

    /** Stop strings (none empty) and stop token ids. */
    public StopMatcher(Collection<String> stopStrings, Set<Integer> stopTokenIds) {
        for (String s : stopStrings) {
            if (s == null || s.isEmpty()) {
                throw new NemotronException("stop must not contain an empty or null string");
            }
        }
        this.stops = stopStrings.toArray(String[]::new);
        this.stopTokenIds = Set.copyOf(stopTokenIds);
        int max = 0;
        for (String s : stops) {
            max = Math.max(max, s.length());
        }
        this.maxStopLength = max;
    }

    /** The stop strings and stop token ids of {@code params}. */
    public static StopMatcher of(SamplingParams params) {
        return new StopMatcher(params.stop(), params.stopTokenIds());
    }

    /** A matcher that never stops. */
    public static StopMatcher none() {
        return new StopMatcher(List.of(), Set.of());
    }

    /** Whether generating {@code token} ends the request. */
    public boolean isStopToken(int token) {
        return stopTokenIds.contains(token);
    }

    /** The length of the longest stop string (0 if none). */
    public int maxStopLength() {
        return maxStopLength;
    }

    /** Where the earliest stop string in {@code text} starts, if any. */
    public OptionalInt find(CharSequence text) {
        return find(text, 0);
    }

    /**
     * Where the earliest stop string starts, looking only at occurrences that end after
     * {@code checkedLength}: the caller knows {@code text[0, checkedLength)} holds none (it was
     * checked at the previous step), so each step costs O(new text × stop length).
     */
    public OptionalInt find(CharSequence text, int checkedLength) {
        int n = text.length();
        int best = Integer.MAX_VALUE;
        for (String s : stops) {
            int m = s.length();
            int from = Math.max(0, checkedLength - m + 1);
            int last = Math.min(n - m, best - 1);
            for (int start = from; start <= last; start++) {
                if (matchesAt(text, start, s, m)) {
                    best = start;
                    break;
                }
            }
        }
        return best == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /**
     * How many trailing characters of {@code text} must be held back: the longest suffix that is a
     * proper prefix of some stop string. 0 when no stop strings.
     */
    public int holdBack(CharSequence text) {
        int n = text.length();
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, n); k > hold; k--) {
                if (matchesAt(text, n - k, s, k)) {
                    hold = k;
                    break;
                }
            }
        }
        return hold;
    }

    /**
     * One streaming step: if a stop string ends after {@code checkedLength}, {@code stopped} and
     * the text ends at its start; otherwise the text that is safe to stream ends before the
     * held-back tail.
     */
    public Check check(CharSequence text, int checkedLength) {
        OptionalInt at = find(text, checkedLength);
        if (at.isPresent()) {
            return new Check(true, at.getAsInt());
        }
        return new Check(false, text.length() - holdBack(text));
    }

    /**
     * The result of {@link #check}.
     *
     * @param stopped whether a stop string was found (generation ends)
     * @param textEnd {@code text[0, textEnd)} may be returned or streamed: everything before the
     *                stop string, or everything but the held-back tail
     */
    public record Check(boolean stopped, int textEnd) {
    }

    /** {@code text[start, start + length)} equals {@code s[0, length)}. */
    private static boolean matchesAt(CharSequence text, int start, String s, int length) {
        for (int i = 0; i < length; i++) {
            if (text.charAt(start + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
