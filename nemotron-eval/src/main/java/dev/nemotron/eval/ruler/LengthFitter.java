package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;

/**
 * Picks the haystack size whose prompt, counted exactly, lands in {@code [lo, hi]} tokens.
 *
 * <p>Encoding a 64k-token prompt takes tens of milliseconds, so the search does not encode one
 * per step. The size model estimates the tokens each size adds from memoised counts of the pieces
 * (words, sentences, list entries); the prompt at size 0 is counted exactly, which gives the
 * offset of everything fixed (template, needles, chat wrapping). Then, repeatedly: take the
 * largest size whose estimate plus offset fits {@code hi} (bisection on the monotone estimate,
 * no encoding), count that prompt exactly once, and if it misses the window take the difference
 * as the new offset. The estimates are off by a few tokens at most (piece boundaries that merge),
 * so this ends in one to three exact counts; a bracket of sizes known to be under and over keeps
 * it finite, and after a few rounds it bisects the bracket with exact counts (the fine trimming).
 * Once inside the window it takes up to two more guided steps towards {@code hi} while the prompt
 * is in the window's lower three quarters, so that samples come out near the target like RULER's.
 */
final class LengthFitter {
    private static final int GUIDED_ROUNDS = 6;
    private static final int EXTRA_ROUNDS = 2;
    private static final int MAX_ROUNDS = 64;

    /**
     * The fitted sample.
     *
     * @param draft    the sample at the chosen size
     * @param rendered its prompt
     * @param tokens   the prompt's exact token count
     */
    record Fit(Draft draft, PromptFormat.Rendered rendered, int tokens) {
    }

    private LengthFitter() {
    }

    /**
     * Fits {@code design} into {@code [lo, hi]} prompt tokens.
     *
     * @param what names the sample in messages, e.g. {@code niah_single_1 at length 4096}
     * @throws NemotronException when even the empty haystack exceeds {@code hi}, the haystack runs
     *                           out below {@code lo}, or no size lands in the window
     */
    static Fit fit(SampleDesign design, PromptFormat format, TokenCounter counter, int lo, int hi, String what) {
        SizeModel sizes = design.sizes();
        Fit base = measure(design, 0, format, counter);
        if (base.tokens() > hi) {
            throw new NemotronException(what + ": the prompt without any haystack already has " + base.tokens()
                    + " tokens, more than the " + hi + " available; use a larger length");
        }
        int slack = (hi - lo) / 4;
        int below = 0;
        Fit belowFit = base;
        int above = -1;
        long offset = base.tokens();
        int extra = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean inWindow = belowFit.tokens() >= lo;
            if (inWindow && (hi - belowFit.tokens() <= slack || extra++ >= EXTRA_ROUNDS)) {
                return belowFit;
            }
            int n;
            if (round < GUIDED_ROUNDS || above < 0) {
                n = Math.max(sizes.largestWithin(hi - offset), below + 1);
                if (above >= 0) {
                    n = Math.min(n, above - 1);
                }
            } else {
                n = below + (above - below) / 2;
            }
            if (n > sizes.limit() || (above >= 0 && n <= below)) {
                if (inWindow) {
                    return belowFit;
                }
                throw n > sizes.limit()
                        ? new NemotronException(what + ": the haystack runs out at " + sizes.limit() + " " + design.sizeName()
                                + " (" + belowFit.tokens() + " prompt tokens), short of the " + lo + " needed")
                        : new NemotronException(what + ": cannot land within [" + lo + ", " + hi + "] prompt tokens: " + below
                                + " " + design.sizeName() + " give " + belowFit.tokens() + " tokens and " + above
                                + " give more than " + hi);
            }
            Fit f = measure(design, n, format, counter);
            if (f.tokens() > hi) {
                above = n;
            } else {
                below = n;
                belowFit = f;
            }
            offset = f.tokens() - sizes.estimate(n);
        }
        if (belowFit.tokens() >= lo) {
            return belowFit;
        }
        throw new NemotronException(what + ": no haystack size found within [" + lo + ", " + hi + "] prompt tokens after "
                + MAX_ROUNDS + " tries (closest below: " + belowFit.tokens() + ")");
    }

    private static Fit measure(SampleDesign design, int size, PromptFormat format, TokenCounter counter) {
        Draft d = design.draft(size);
        PromptFormat.Rendered r = format.render(d.input(), d.answerPrefix());
        return new Fit(d, r, counter.count(r.text()));
    }
}
