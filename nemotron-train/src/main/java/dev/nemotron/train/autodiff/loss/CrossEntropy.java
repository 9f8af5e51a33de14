package dev.nemotron.train.autodiff.loss;

import dev.nemotron.api.NemotronException;

/**
 * Softmax cross-entropy over logits, averaged over the positions whose target is not
 * {@link #IGNORE_INDEX} (as torch's {@code cross_entropy(ignore_index=-100, reduction="mean")}).
 *
 * <pre>
 * logits [L, V]  targets [L]  ->  loss = (1/n) sum_{t: target != -100} (logsumexp(logits[t]) - logits[t, target])
 * dlogits[t] = (softmax(logits[t]) - onehot(target)) / n   for counted t, 0 for ignored t
 * n = number of counted positions; with none, loss 0 and dlogits 0
 * </pre>
 */
public final class CrossEntropy {
    /** Targets equal to this are not counted (prompt tokens in SFT, padding). */
    public static final int IGNORE_INDEX = -100;

    /** The mean loss, the number of counted positions and the gradient with respect to the logits. */
    public record Result(double loss, int counted, double[] dLogits) {
    }

    private CrossEntropy() {
    }

    public static Result compute(double[] logits, int rows, int vocab, int[] targets) {
        if (targets.length != rows) {
            throw new NemotronException(targets.length + " targets for " + rows + " positions");
        }
        int n = 0;
        for (int t = 0; t < rows; t++) {
            int y = targets[t];
            if (y == IGNORE_INDEX) {
                continue;
            }
            if (y < 0 || y >= vocab) {
                throw new NemotronException("target " + y + " at position " + t + " is outside the vocabulary ("
                        + vocab + ") and not the ignore index " + IGNORE_INDEX);
            }
            n++;
        }
        double[] d = new double[rows * vocab];
        if (n == 0) {
            return new Result(0, 0, d);
        }
        double total = 0;
        for (int t = 0; t < rows; t++) {
            int y = targets[t];
            if (y == IGNORE_INDEX) {
                continue;
            }
            int o = t * vocab;
            // 1. log-sum-exp with the max subtracted
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, logits[o + v]);
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                double e = Math.exp(logits[o + v] - max);
                d[o + v] = e;
                sum += e;
            }
            double lse = max + Math.log(sum);
            total += lse - logits[o + y];
            // 2. gradient: (softmax - onehot) / n, softmax = exp(logit - max) / sum (one exp per logit)
            double k = 1.0 / (sum * n);
            for (int v = 0; v < vocab; v++) {
                d[o + v] *= k;
            }
            d[o + y] -= 1.0 / n;
        }
        return new Result(total / n, n, d);
    }
}
