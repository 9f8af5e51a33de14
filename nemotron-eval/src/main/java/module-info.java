/**
 * Evaluation: tasks, metrics, math answer equivalence, RULER, code sandbox.
 *
 * <p>{@code dev.nemotron.eval.math} decides whether two math answers are equivalent and offers
 * it as the {@code math} reward ({@link dev.nemotron.api.reward.RewardProvider}).
 */
module dev.nemotron.eval {
    requires transitive dev.nemotron.infer;

    exports dev.nemotron.eval.math;

    provides dev.nemotron.api.reward.RewardProvider with dev.nemotron.eval.math.MathRewardProvider;
}
