/**
 * The reward SPI: scoring a model's completion, for GRPO and for evaluation.
 *
 * <p>A {@link dev.nemotron.api.reward.RewardProvider}, found with {@link java.util.ServiceLoader},
 * claims a name (e.g. {@code "math"}), reports whether it can run here, and turns a map of string
 * options into a {@link dev.nemotron.api.reward.Reward}. A reward scores one
 * {@link dev.nemotron.api.reward.RewardInput} (the prompt, the completion, the reference answer and
 * free-form metadata) with a {@code double}. Verifiable rewards (math answer equivalence, unit
 * tests passing) score 1.0 for a correct completion and 0.0 otherwise; learned or shaped rewards
 * may use any finite range, which they document. {@link dev.nemotron.api.reward.RewardOptions}
 * checks options with messages that name the reward and the option.
 *
 * <p>Everything here depends on the JDK alone, so a reward plugin can be written against
 * {@code nemotron-api} only.
 */
package dev.nemotron.api.reward;
