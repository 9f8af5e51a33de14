package dev.nemotron.train.autodiff.loss;

import dev.nemotron.api.NemotronException;

/**
 * Log-probabilities of chosen tokens under logits [L, V], and the way back: the building block of
 * DPO ({@code log π(y|x)} summed over response tokens) and GRPO (per-token ratios).
 *
 * <pre>
 * logProb[t] = logits[t, y_t] - logsumexp(logits[t])          for y_t != -100; 0 for ignored t
 * backward(g)[t, v] = g[t] * (onehot(y_t)[v] - softmax(logits[t])[v])   (0 rows for ignored t)
 * </pre>
 */
public final class TokenLogProbs {
    private final double[] logits;
    private final int rows;
    private final int vocab;
    private final int[] targets;
    private final double[] lse;
    private final double[] logProbs;

    private TokenLogProbs(double[] logits, int rows, int vocab, int[] targets) {
        this.logits = logits;
        this.rows = rows;
        this.vocab = vocab;
        this.targets = targets.clone();
        this.lse = new double[rows];
        this.logProbs = new double[rows];
    }

    /**
     * The log-probabilities of {@code targets} (one per position; -100: ignored) under
     * {@code logits} [rows, vocab], which are kept (not copied) for {@link #backward}.
     */
    public static TokenLogProbs of(double[] logits, int rows, int vocab, int[] targets) {
        if (targets.length != rows || logits.length != (long) rows * vocab) {
            throw new NemotronException(targets.length + " targets and " + logits.length + " logits for "
                    + rows + " positions x " + vocab);
        }
        TokenLogProbs p = new TokenLogProbs(logits, rows, vocab, targets);
        for (int t = 0; t < rows; t++) {
            int y = targets[t];
            if (y == CrossEntropy.IGNORE_INDEX) {
                continue;
            }
            if (y < 0 || y >= vocab) {
                throw new NemotronException("target " + y + " at position " + t + " is outside the vocabulary ("
                        + vocab + ") and not the ignore index " + CrossEntropy.IGNORE_INDEX);
            }
            int o = t * vocab;
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, logits[o + v]);
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                sum += Math.exp(logits[o + v] - max);
            }
            p.lse[t] = max + Math.log(sum);
            p.logProbs[t] = logits[o + y] - p.lse[t];
        }
        return p;
    }

    /** Per position: log p(target), 0 where the target is ignored (a copy). */
    public double[] values() {
        return logProbs.clone();
    }

    /** The sum over counted positions: {@code log π(y|x)} of a response. */
    public double sum() {
        double s = 0;
        for (double v : logProbs) {
            s += v;
        }
        return s;
    }

    /** Whether position {@code t} counts (its target is not the ignore index). */
    public boolean counted(int t) {
        return targets[t] != CrossEntropy.IGNORE_INDEX;
    }

    /** The number of counted positions. */
    public int count() {
        int n = 0;
        for (int y : targets) {
            n += y == CrossEntropy.IGNORE_INDEX ? 0 : 1;
        }
        return n;
    }

    /**
     * d loss / d logits [rows, vocab] from {@code dLogProbs} = d loss / d logProb[t] (values at
     * ignored positions are not used).
     */
    public double[] backward(double[] dLogProbs) {
        if (dLogProbs.length != rows) {
            throw new NemotronException(dLogProbs.length + " log-prob gradients for " + rows + " positions");
        }
        double[] d = new double[rows * vocab];
        for (int t = 0; t < rows; t++) {
            int y = targets[t];
            if (y == CrossEntropy.IGNORE_INDEX || dLogProbs[t] == 0) {
                continue;
            }
            int o = t * vocab;
            double g = dLogProbs[t];
            for (int v = 0; v < vocab; v++) {
                d[o + v] = -g * Math.exp(logits[o + v] - lse[t]);
            }
            d[o + y] += g;
        }
        return d;
    }
}
