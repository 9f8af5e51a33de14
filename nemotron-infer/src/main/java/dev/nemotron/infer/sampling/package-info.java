/**
 * Choosing the next token from a row of logits: {@link dev.nemotron.infer.sampling.SamplingParams}
 * (the OpenAI/vLLM request fields, validated), {@link dev.nemotron.infer.sampling.LogitsProcessor}s
 * that edit logits in place, the per-request {@link dev.nemotron.infer.sampling.Sampler} (penalties,
 * processors, greedy or temperature, top-k, top-p, min-p, seeded draw) and the
 * {@link dev.nemotron.infer.sampling.StopMatcher} for stop strings and stop token ids.
 * See {@code docs/sampling.md} for the order of operations.
 */
package dev.nemotron.infer.sampling;
