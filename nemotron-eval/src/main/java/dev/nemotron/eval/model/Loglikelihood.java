package dev.nemotron.eval.model;

/**
 * The score of a continuation.
 *
 * @param logprob sum of the natural-log probabilities of the continuation's tokens
 * @param greedy  every continuation token was the most likely one (greedy decoding would have
 *                produced the continuation)
 * @param tokens  how many tokens the continuation had
 */
public record Loglikelihood(double logprob, boolean greedy, int tokens) {
}
