/**
 * Evaluation: tasks, metrics, math answer equivalence, RULER, code sandbox.
 *
 * <p>{@code dev.nemotron.eval.math} decides whether two math answers are equivalent and offers
 * it as the {@code math} reward ({@link dev.nemotron.api.reward.RewardProvider}).
 */
module dev.nemotron.eval {
    requires transitive dev.nemotron.infer;
    requires com.fasterxml.jackson.databind;

    exports dev.nemotron.eval.math;
    exports dev.nemotron.eval.ruler;

    provides dev.nemotron.api.reward.RewardProvider with dev.nemotron.eval.math.MathRewardProvider;
}
