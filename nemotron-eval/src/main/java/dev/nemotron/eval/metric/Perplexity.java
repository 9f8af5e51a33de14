package dev.nemotron.eval.metric;

/**
 * Perplexity of a token stream from next-token logits, accumulated window by window.
 *
 * <pre>
 * one window: ids [W], logits [W, V] (row t predicts ids[t + 1])
 * 1. for t in 0 .. W-2: nll_t = logsumexp(logits[t]) - logits[t, ids[t + 1]]   (float64)
 * 2. totals: nll += sum nll_t, tokens += W - 1
 * perplexity = exp(nll / tokens)
 * </pre>
 * Windows do not overlap, so the first token of each window is context only (the usual
 * non-overlapping evaluation; a sliding window would score more tokens with longer context).
 */
public final class Perplexity {
    private double nll;
    private long tokens;

    /** Adds one window: {@code logits [ids.length, vocab]} of the model run over {@code ids}. */
    public void add(int[] ids, float[] logits, int vocab) {
        if ((long) ids.length * vocab != logits.length) {
            throw new IllegalArgumentException(logits.length + " logits are not " + ids.length + " x " + vocab);
        }
        for (int t = 0; t + 1 < ids.length; t++) {
            nll += logSumExp(logits, t * vocab, vocab) - logits[t * vocab + ids[t + 1]];
            tokens++;
        }
    }

    private static double logSumExp(float[] v, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(v[off + i] - max);
        }
        return max + Math.log(sum);
    }

    /** Tokens scored so far. */
    public long tokens() {
        return tokens;
    }

    /** Mean negative log-likelihood in nats per scored token. */
    public double meanNll() {
        return tokens == 0 ? Double.NaN : nll / tokens;
    }

    /** {@code exp(meanNll())}. */
    public double perplexity() {
        return Math.exp(meanNll());
    }
}
