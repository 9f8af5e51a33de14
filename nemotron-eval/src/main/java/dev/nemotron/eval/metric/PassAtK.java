package dev.nemotron.eval.metric;

import dev.nemotron.api.NemotronException;
import java.util.List;

/**
 * The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on
 * Code"): with {@code n} samples of which {@code c} pass, the chance that at least one of {@code k}
 * samples drawn without replacement passes, {@code 1 - C(n-c, k) / C(n, k)}. The one implementation
 * used by the harness's {@code pass@K} aggregation ({@link Aggregation.PassAt}) and by code evaluation.
 *
 * <p>Computed as {@code 1 - prod_{i=n-c+1..n} (1 - k/i)}, which never forms a binomial coefficient
 * and so neither overflows nor loses precision for large {@code n}.
 */
public final class PassAtK {
    private PassAtK() {
    }

    /**
     * pass@k of one problem.
     *
     * @param n samples generated ({@code >= 1})
     * @param c samples that passed ({@code 0 <= c <= n})
     * @param k samples drawn ({@code 1 <= k <= n})
     */
    public static double estimate(int n, int c, int k) {
        if (n < 1) {
            throw new NemotronException("pass@k needs at least one sample, got n=" + n);
        }
        if (c < 0 || c > n) {
            throw new NemotronException("pass@k: passed samples c=" + c + " must be between 0 and n=" + n);
        }
        if (k < 1 || k > n) {
            throw new NemotronException("pass@k: k=" + k + " must be between 1 and the number of samples n=" + n);
        }
        if (n - c < k) {
            return 1.0; // every draw of k samples contains a passing one
        }
        double failAll = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            failAll *= 1.0 - (double) k / i;
        }
        return 1.0 - failAll;
    }

    /**
     * The mean pass@k over problems.
     *
     * @param samples samples per problem (same order as {@code passed})
     * @param passed  passing samples per problem
     */
    public static double mean(List<Integer> samples, List<Integer> passed, int k) {
        if (samples.size() != passed.size()) {
            throw new NemotronException("pass@k: " + samples.size() + " sample counts but " + passed.size() + " pass counts");
        }
        if (samples.isEmpty()) {
            throw new NemotronException("pass@k of no problems");
        }
        double sum = 0;
        for (int i = 0; i < samples.size(); i++) {
            sum += estimate(samples.get(i), passed.get(i), k);
        }
        return sum / samples.size();
    }
}
