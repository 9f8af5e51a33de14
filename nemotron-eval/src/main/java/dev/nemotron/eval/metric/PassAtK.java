package dev.nemotron.eval.metric;

/**
 * The unbiased pass@k estimator of Chen et al. (2021, "Evaluating Large Language Models Trained
 * on Code"): with n samples of a problem of which c are correct, the probability that at least
 * one of k samples drawn without replacement is correct, {@code 1 − C(n−c, k) / C(n, k)},
 * computed as the product {@code 1 − Π_{i=n−c+1..n} (1 − k/i)}, which neither overflows nor loses
 * precision for large n.
 */
public final class PassAtK {
    private PassAtK() {
    }

    /**
     * @throws IllegalArgumentException unless {@code 0 <= c <= n} and {@code 1 <= k <= n}
     */
    public static double estimate(int n, int c, int k) {
        if (c < 0 || c > n || k < 1 || k > n) {
            throw new IllegalArgumentException("pass@k needs 0 <= c <= n and 1 <= k <= n, got n=" + n + " c=" + c + " k=" + k);
        }
        if (n - c < k) {
            return 1.0;
        }
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            allWrong *= 1.0 - (double) k / i;
        }
        return 1.0 - allWrong;
    }
}
