package dev.nemotron.eval.math;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardOption;
import dev.nemotron.api.reward.RewardOptions;
import dev.nemotron.api.reward.RewardProvider;
import java.util.List;
import java.util.Map;

/**
 * Provides the {@code math} reward ({@link MathReward}). Options: {@code tolerance} (relative
 * tolerance for decimal answers, default 1e-6) and {@code percent_as_fraction} ({@code true}:
 * {@code 28\%} also matches {@code 0.28}).
 */
public final class MathRewardProvider implements RewardProvider {
    /** The name the reward is selected by. */
    public static final String NAME = "math";
    private static final List<RewardOption> OPTIONS = List.of(
            new RewardOption("tolerance", "1e-6",
                    "relative tolerance for decimal answers, in [0, 1)"),
            new RewardOption("percent_as_fraction", String.valueOf(MathVerifyOptions.DEFAULTS.percentAsFraction()),
                    "true: 28\\% also matches 0.28"));

    /** Called by {@link java.util.ServiceLoader}. */
    public MathRewardProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "1.0 when the completion's final answer (\\boxed{}, ####, 'the answer is') equals the reference"
                + " mathematically, else 0.0";
    }

    @Override
    public List<RewardOption> options() {
        return OPTIONS;
    }

    @Override
    public Reward create(Map<String, String> options) {
        RewardOptions o = new RewardOptions(NAME, options).requireOnly(OPTIONS);
        double tolerance = o.getDouble("tolerance", MathVerifyOptions.DEFAULTS.relativeTolerance());
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw o.invalid("tolerance", "must be in [0, 1), got " + tolerance);
        }
        boolean percent = o.getBoolean("percent_as_fraction", MathVerifyOptions.DEFAULTS.percentAsFraction());
        return new MathReward(new MathVerifier(new MathVerifyOptions(tolerance, percent)));
    }
}
