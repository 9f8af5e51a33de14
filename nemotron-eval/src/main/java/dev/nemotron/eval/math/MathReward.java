package dev.nemotron.eval.math;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;

/**
 * The {@code math} reward: 1.0 when the final answer of the completion (see
 * {@link MathAnswerExtractor}) is equivalent to the reference answer ({@link MathVerifier}),
 * else 0.0. A completion with no answer, or whose reasoning never closed, scores 0.0.
 */
final class MathReward implements Reward {
    private final MathVerifier verifier;

    MathReward(MathVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public String name() {
        return MathRewardProvider.NAME;
    }

    @Override
    public double score(RewardInput input) {
        return verifier.verifyCompletion(input.reference(), input.completion()) ? 1.0 : 0.0;
    }
}
