package dev.nemotron.eval.metric;

import java.util.SplittableRandom;

/**
 * The standard error of a mean by bootstrap: draw the per-problem values with replacement
 * {@code resamples} times, take each draw's mean, and report the standard deviation of those
 * means (sample standard deviation, n−1). Seeded: the same values give the same error.
 */
public final class Bootstrap {
    /** Resamples when none are given. */
    public static final int DEFAULT_RESAMPLES = 1000;
    /** Seed when none is given. */
    public static final long DEFAULT_SEED = 1234;

    private Bootstrap() {
    }

    /** The plain mean of {@code values} (NaN for none). */
    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }

    /**
     * The bootstrapped standard error of the mean of {@code values}; NaN for fewer than two values
     * (nothing to resample).
     */
    public static double stderr(double[] values, int resamples, long seed) {
        int n = values.length;
        if (n < 2 || resamples < 2) {
            return Double.NaN;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += values[rnd.nextInt(n)];
            }
            means[r] = sum / n;
        }
        double m = mean(means);
        double ss = 0;
        for (double x : means) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (resamples - 1));
    }
}
