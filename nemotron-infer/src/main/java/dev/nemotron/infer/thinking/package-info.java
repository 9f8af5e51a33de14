/**
 * Reasoning control for Nemotron Nano 2: the {@link dev.nemotron.infer.thinking.ThinkingBudget}
 * that closes the {@code <think>} block once {@code max_thinking_tokens} reasoning tokens were
 * generated (at the next end of line, or after a grace window). Thinking off is the chat
 * template's business ({@code <think></think>} in the prompt), not a processor's.
 */
package dev.nemotron.infer.thinking;
