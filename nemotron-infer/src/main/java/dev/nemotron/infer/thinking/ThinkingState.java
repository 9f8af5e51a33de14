package dev.nemotron.infer.thinking;

/** Where a request stands with respect to its reasoning block; see {@link ThinkingBudget}. */
public enum ThinkingState {
    /** Reasoning, under the budget: no interference. */
    THINKING,
    /** The budget is spent; waiting for a token that ends a line (at most the grace window). */
    BUDGET_REACHED_AWAITING_NEWLINE,
    /** The next token is forced to be {@code </think>}. */
    FORCING_CLOSE,
    /** {@code </think>} was generated; the processor never interferes again. */
    ANSWERING
}
