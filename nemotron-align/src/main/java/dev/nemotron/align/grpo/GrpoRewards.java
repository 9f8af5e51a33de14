package dev.nemotron.align.grpo;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.api.reward.RewardProvider;
import dev.nemotron.api.reward.Rewards;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GRPO's reward: a weighted sum of {@link Reward} plugins, r = sum_k w_k r_k, each found by name
 * among the {@link RewardProvider}s on the module path and made with its own options.
 *
 * @param rewards the rewards
 * @param weights their weights (same order)
 */
public record GrpoRewards(List<Reward> rewards, double[] weights) {
    public GrpoRewards {
        rewards = List.copyOf(rewards);
        weights = weights.clone();
        if (rewards.isEmpty() || rewards.size() != weights.length) {
            throw new IllegalArgumentException(rewards.size() + " rewards and " + weights.length + " weights");
        }
    }

    /** One reward term as a run names it: the provider's name, its weight and its options. */
    public record Term(String name, double weight, Map<String, String> options) {
        public Term {
            options = Map.copyOf(options);
        }
    }

    /** The weighted sum of {@code terms}, each made through {@link Rewards#create} (ServiceLoader, by name). */
    public static GrpoRewards create(List<Term> terms) {
        List<RewardProvider> providers = Rewards.providers(GrpoRewards.class.getClassLoader());
        List<Reward> rewards = new ArrayList<>();
        double[] weights = new double[terms.size()];
        for (int i = 0; i < terms.size(); i++) {
            Term t = terms.get(i);
            rewards.add(Rewards.create(t.name(), t.options(), providers));
            weights[i] = t.weight();
        }
        return new GrpoRewards(rewards, weights);
    }

    /** Each reward's score of {@code input} (the same order as {@link #rewards()}). */
    public double[] scores(RewardInput input) {
        double[] s = new double[rewards.size()];
        for (int k = 0; k < s.length; k++) {
            double v = rewards.get(k).score(input);
            if (!Double.isFinite(v)) {
                throw new NemotronException("reward '" + rewards.get(k).name() + "' gave a non-finite score " + v
                        + " (a reward plugin bug)");
            }
            s[k] = v;
        }
        return s;
    }

    /** The weighted sum of {@code scores}. */
    public double total(double[] scores) {
        double r = 0;
        for (int k = 0; k < scores.length; k++) {
            r += weights[k] * scores[k];
        }
        return r;
    }
}
