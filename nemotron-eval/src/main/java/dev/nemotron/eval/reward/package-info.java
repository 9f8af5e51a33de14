/**
 * Rewards for GRPO, on-policy pair making and evaluation, each a
 * {@link dev.nemotron.api.reward.RewardProvider} found with {@link java.util.ServiceLoader}:
 * {@code code} (tests run in the code sandbox), {@code format} (reasoning closed, an answer, a
 * length) and {@code judge} (an OpenAI-compatible endpoint grades the answer). {@code math} lives
 * in {@code dev.nemotron.eval.math} and {@code ifeval} in {@code dev.nemotron.eval.reward.ifeval}.
 */
package dev.nemotron.eval.reward;
