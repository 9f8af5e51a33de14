package dev.nemotron.api.reward;

/**
 * Scores a model's completion, e.g. 1.0 when its final answer equals the reference answer.
 *
 * <p>A reward judges the model, not the caller: a completion that is empty, truncated,
 * unparsable or garbage gets the reward's lowest score, never an exception. Exceptions are for
 * bugs only. Scores are finite; verifiable rewards score in {@code [0, 1]} (1.0 correct, 0.0
 * wrong), other rewards document their range in {@link RewardProvider#description()}.
 *
 * <p>A reward is stateless between calls and safe to call from several threads at once (GRPO
 * scores the completions of a group in parallel), unless its provider says otherwise.
 */
public interface Reward {
    /** The name of the reward, the {@link RewardProvider#name()} that made it, e.g. {@code "math"}. */
    String name();

    /** The score of {@code input}'s completion: finite, never an exception for a bad completion. */
    double score(RewardInput input);
}
