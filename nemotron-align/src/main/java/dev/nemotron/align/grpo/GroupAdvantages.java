package dev.nemotron.align.grpo;

/**
 * GRPO's group-normalised advantages: each prompt's G samples are compared with each other.
 *
 * <pre>
 * rewards r [P * G], group g = r[g G .. (g+1) G)
 * 1. mean_g = (1/G) sum_i r_i
 * 2. A_i = r_i - mean_g                           (mean-only: Dr. GRPO's choice)
 * 3. scaled: A_i = (r_i - mean_g) / (std_g + eps), std_g the sample standard deviation (G - 1), as TRL
 * 4. a group whose rewards are all equal gets A_i = 0 exactly (no signal; never rounding noise)
 * </pre>
 */
public final class GroupAdvantages {
    private GroupAdvantages() {
    }

    /**
     * @param rewards    P groups of {@code group} rewards, group after group
     * @param group      samples per prompt (at least 2)
     * @param scaleByStd divide by the group's standard deviation (+ eps); false: mean-only
     * @param eps        added to the standard deviation
     */
    public static double[] of(double[] rewards, int group, boolean scaleByStd, double eps) {
        if (group < 2 || rewards.length % group != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards do not split into groups of " + group + " (>= 2)");
        }
        double[] adv = new double[rewards.length];
        for (int g = 0; g < rewards.length; g += group) {
            // 1. mean
            double mean = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = g; i < g + group; i++) {
                mean += rewards[i];
                min = Math.min(min, rewards[i]);
                max = Math.max(max, rewards[i]);
            }
            mean /= group;
            // 4. no signal in an all-equal group
            if (min == max) {
                continue;
            }
            // 3. standard deviation (n - 1)
            double scale = 1;
            if (scaleByStd) {
                double ss = 0;
                for (int i = g; i < g + group; i++) {
                    ss += (rewards[i] - mean) * (rewards[i] - mean);
                }
                scale = 1 / (Math.sqrt(ss / (group - 1)) + eps);
            }
            // 2-3. advantages
            for (int i = g; i < g + group; i++) {
                adv[i] = (rewards[i] - mean) * scale;
            }
        }
        return adv;
    }
}
