package dev.nemotron.infer.thinking;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.sampling.LogitsProcessor;
import dev.nemotron.infer.sampling.LogitsProcessors;
import dev.nemotron.infer.sampling.TokenHistory;
import java.util.function.IntPredicate;

/**
 * The thinking budget of Nemotron Nano 2 (paper, section on budget control; model card): caps the
 * reasoning of one request at about {@code max_thinking_tokens} tokens and closes it at a line end.
 *
 * <p>Attach it to a request whose generation prompt ends with {@code <think>\n} (reasoning on):
 * the first generated token is the first reasoning token. With reasoning off the prompt ends with
 * {@code <think></think>} and the engine simply does not attach a budget. One instance per
 * request; the engine calls {@link #apply} before each draw (through the
 * {@link dev.nemotron.infer.sampling.Sampler}) and {@link #observe} after each generated token.
 *
 * <pre>
 *                 observe(t): reasoning += 1
 *   THINKING ─────────────── reasoning == budget ──────────────┐  (budget 0: start in FORCING_CLOSE)
 *      │                       and t ends a line ──────────────┼──────────────┐
 *      │                                                       v              │
 *      │                                   BUDGET_REACHED_AWAITING_NEWLINE    │
 *      │                                    │ t ends a line, or grace tokens  │
 *      │                                    │ generated since the budget      │
 *      │                                    v                                 v
 *      │                              FORCING_CLOSE  (apply: only &lt;/think&gt; allowed)
 *      │ t == &lt;/think&gt; (from any state)      │ t == &lt;/think&gt;
 *      └──────────────────────────────> ANSWERING &lt;┘   (never interferes again)
 * </pre>
 * So the reasoning holds at most {@code budget + grace} tokens before {@code </think>}.
 * The answer after {@code </think>} is bounded by {@code max_tokens}, which the engine enforces.
 */
public final class ThinkingBudget implements LogitsProcessor {
    /** Tokens to wait for a line end once the budget is spent (the paper's 500). */
    public static final int DEFAULT_GRACE_TOKENS = 500;

    private final int maxThinkingTokens;
    private final int graceTokens;
    private final int thinkEndToken;
    private final IntPredicate endsLine;

    private ThinkingState state;
    private int reasoningTokens;
    private int sinceBudget;

    /** A budget with the default grace window of {@value #DEFAULT_GRACE_TOKENS} tokens. */
    public ThinkingBudget(int maxThinkingTokens, int thinkEndToken, IntPredicate endsLine) {
        this(maxThinkingTokens, thinkEndToken, endsLine, DEFAULT_GRACE_TOKENS);
    }

    /**
     * @param maxThinkingTokens reasoning tokens allowed before the block is closed, {@code >= 0}
     *                          ({@code 0}: {@code </think>} is the first generated token)
     * @param thinkEndToken     the id of {@code </think>}
     * @param endsLine          whether a token's decoded text contains a newline (built by the engine
     *                          from the tokenizer's vocabulary)
     * @param graceTokens       tokens to wait for a line end once the budget is spent, {@code >= 0}
     */
    public ThinkingBudget(int maxThinkingTokens, int thinkEndToken, IntPredicate endsLine, int graceTokens) {
        if (maxThinkingTokens < 0) {
            throw new NemotronException("max_thinking_tokens must be >= 0, got " + maxThinkingTokens);
        }
        if (graceTokens < 0) {
            throw new NemotronException("thinking grace tokens must be >= 0, got " + graceTokens);
        }
        if (thinkEndToken < 0) {
            throw new IllegalArgumentException("</think> token id must be >= 0, got " + thinkEndToken);
        }
        this.maxThinkingTokens = maxThinkingTokens;
        this.graceTokens = graceTokens;
        this.thinkEndToken = thinkEndToken;
        this.endsLine = endsLine;
        this.state = maxThinkingTokens == 0 ? ThinkingState.FORCING_CLOSE : ThinkingState.THINKING;
    }

    /** In {@link ThinkingState#FORCING_CLOSE}, leaves only {@code </think>} choosable; otherwise nothing. */
    @Override
    public void apply(float[] logits, TokenHistory history) {
        if (state == ThinkingState.FORCING_CLOSE) {
            LogitsProcessors.forceToken(logits, thinkEndToken);
        }
    }

    /** Advances the state machine with the token just generated. */
    @Override
    public void observe(int token) {
        if (state == ThinkingState.ANSWERING) {
            return;
        }
        // 1. the model (or the forcing) closed the block
        if (token == thinkEndToken) {
            state = ThinkingState.ANSWERING;
            return;
        }
        reasoningTokens++;
        switch (state) {
            // 2. under the budget: nothing, until this token spends it
            case THINKING -> {
                if (reasoningTokens >= maxThinkingTokens) {
                    state = endsLine.test(token) ? ThinkingState.FORCING_CLOSE
                            : graceTokens == 0 ? ThinkingState.FORCING_CLOSE
                            : ThinkingState.BUDGET_REACHED_AWAITING_NEWLINE;
                }
            }
            // 3. budget spent: close after a line end, or when the grace window is used up
            case BUDGET_REACHED_AWAITING_NEWLINE -> {
                sinceBudget++;
                if (endsLine.test(token) || sinceBudget >= graceTokens) {
                    state = ThinkingState.FORCING_CLOSE;
                }
            }
            // 4. forcing was not honoured (the engine skipped apply): keep forcing
            default -> {
            }
        }
    }

    public ThinkingState state() {
        return state;
    }

    /** Reasoning tokens generated so far ({@code </think>} not counted). */
    public int reasoningTokens() {
        return reasoningTokens;
    }

    public int maxThinkingTokens() {
        return maxThinkingTokens;
    }

    public int graceTokens() {
        return graceTokens;
    }

    public int thinkEndToken() {
        return thinkEndToken;
    }
}
