/**
 * Synthetic supervised data with reasoning traces, for small fine-tuning runs: seeded generators
 * of {@link dev.nemotron.train.data.synth.ReasoningSample}s (question, step-by-step reasoning,
 * answer) and their JSONL form ({@link dev.nemotron.train.data.synth.ReasoningJsonl}).
 *
 * <p>This package knows the reasoning convention of Nemotron Nano 2 (the assistant turn is
 * {@code <think>\n{reasoning}\n</think>\n{answer}}, or {@code <think></think>{answer}} with reasoning
 * off) but not the chat template, which lives in {@code nemotron-infer}: callers pass a
 * {@link dev.nemotron.train.data.synth.ChatRenderer} (the CLI's renders with
 * {@code NemotronChatTemplate}).
 */
package dev.nemotron.train.data.synth;
