package dev.nemotron.infer.thinking;

import static dev.nemotron.infer.thinking.ThinkingState.ANSWERING;
import static dev.nemotron.infer.thinking.ThinkingState.BUDGET_REACHED_AWAITING_NEWLINE;
import static dev.nemotron.infer.thinking.ThinkingState.FORCING_CLOSE;
import static dev.nemotron.infer.thinking.ThinkingState.THINKING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.sampling.Sampler;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.sampling.TokenBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * Every branch of the budget's state machine, driven like the engine drives it: a scripted
 * "model" prefers one token per step, a {@link Sampler} with the budget attached picks the token,
 * the token is appended and observed.
 */
class ThinkingBudgetTest {
    private static final int VOCAB = 10;
    private static final int THINK_END = 9;
    private static final int NL = 5;                       // a token whose text contains '\n'
    private static final IntPredicate ENDS_LINE = t -> t == NL;

    /** What the run produced: tokens and the state after each one. */
    private record Run(List<Integer> tokens, List<ThinkingState> states, ThinkingBudget budget) {
        /** Index of the first {@code </think>} in the output, or -1. */
        int closedAt() {
            return tokens.indexOf(THINK_END);
        }
    }

    /** Runs the scripted model: at step i the model's favourite token is {@code script[i]}. */
    private static Run run(ThinkingBudget budget, SamplingParams params, int... script) {
        Sampler sampler = new Sampler(params, List.of(budget));
        TokenBuffer history = new TokenBuffer(new int[] {1, 2, 3});    // "... <think>\n"
        List<Integer> tokens = new ArrayList<>();
        List<ThinkingState> states = new ArrayList<>();
        for (int favourite : script) {
            float[] logits = new float[VOCAB];
            Arrays.fill(logits, -4f);
            logits[favourite] = 8f;
            int t = sampler.next(logits, history);
            history.append(t);
            sampler.observe(t);
            tokens.add(t);
            states.add(budget.state());
        }
        return new Run(tokens, states, budget);
    }

    private static Run run(ThinkingBudget budget, int... script) {
        return run(budget, SamplingParams.greedy(1000), script);
    }

    private static int[] script(int[] head, int fill, int total) {
        int[] s = Arrays.copyOf(head, total);
        Arrays.fill(s, head.length, total, fill);
        return s;
    }

    private static List<Integer> list(int... v) {
        return Arrays.stream(v).boxed().toList();
    }

    @Test
    void newlineWithinTheBudgetHasNoEffect() {
        Run r = run(new ThinkingBudget(4, THINK_END, ENDS_LINE, 10), 1, NL, 2, 3);
        assertThat(r.tokens()).isEqualTo(list(1, NL, 2, 3));
        assertThat(r.states()).containsExactly(THINKING, THINKING, THINKING, BUDGET_REACHED_AWAITING_NEWLINE);
        assertThat(r.budget().reasoningTokens()).isEqualTo(4);
    }

    @Test
    void newlineAfterTheBudgetForcesCloseOnTheNextToken() {
        Run r = run(new ThinkingBudget(3, THINK_END, ENDS_LINE, 10), 1, 2, 3, 4, 4, NL, 6, 6, 6, NL, 7);
        assertThat(r.tokens()).isEqualTo(list(1, 2, 3, 4, 4, NL, THINK_END, 6, 6, NL, 7));
        assertThat(r.states().subList(2, 8)).containsExactly(BUDGET_REACHED_AWAITING_NEWLINE,
                BUDGET_REACHED_AWAITING_NEWLINE, BUDGET_REACHED_AWAITING_NEWLINE, FORCING_CLOSE, ANSWERING, ANSWERING);
        assertThat(r.budget().reasoningTokens()).isEqualTo(6);
        assertThat(r.budget().state()).isEqualTo(ANSWERING);
    }

    @Test
    void tokenThatSpendsTheBudgetAndEndsALineClosesAtOnce() {
        Run r = run(new ThinkingBudget(3, THINK_END, ENDS_LINE, 10), 1, 2, NL, 4, 4);
        assertThat(r.tokens()).isEqualTo(list(1, 2, NL, THINK_END, 4));
        assertThat(r.states().get(2)).isEqualTo(FORCING_CLOSE);
    }

    @Test
    void noNewlineWithinGraceForcesCloseAtTheEndOfTheWindow() {
        Run r = run(new ThinkingBudget(2, THINK_END, ENDS_LINE, 3), 1, 2, 4, 4, 4, 4, 4, 4);
        // budget 2, then 3 grace tokens, then </think>
        assertThat(r.tokens()).isEqualTo(list(1, 2, 4, 4, 4, THINK_END, 4, 4));
        assertThat(r.closedAt()).isEqualTo(2 + 3);
        assertThat(r.budget().reasoningTokens()).isEqualTo(5);
    }

    @Test
    void newlineOnTheLastGraceTokenClosesJustTheSame() {
        Run r = run(new ThinkingBudget(2, THINK_END, ENDS_LINE, 3), 1, 2, 4, 4, NL, 4, 4);
        assertThat(r.tokens()).isEqualTo(list(1, 2, 4, 4, NL, THINK_END, 4));
    }

    @Test
    void modelClosingByItselfSilencesTheBudget() {
        Run r = run(new ThinkingBudget(3, THINK_END, ENDS_LINE, 2), 1, THINK_END, 4, 4, 4, 4, NL, 4, THINK_END, 4);
        assertThat(r.tokens()).isEqualTo(list(1, THINK_END, 4, 4, 4, 4, NL, 4, THINK_END, 4));
        assertThat(r.states().subList(1, 10)).allMatch(s -> s == ANSWERING);
        assertThat(r.budget().reasoningTokens()).isEqualTo(1);
    }

    @Test
    void modelClosingWhileAwaitingTheNewline() {
        Run r = run(new ThinkingBudget(2, THINK_END, ENDS_LINE, 50), 1, 2, 3, THINK_END, 4, NL, 4);
        assertThat(r.tokens()).isEqualTo(list(1, 2, 3, THINK_END, 4, NL, 4));
        assertThat(r.states().get(2)).isEqualTo(BUDGET_REACHED_AWAITING_NEWLINE);
        assertThat(r.states().get(3)).isEqualTo(ANSWERING);
    }

    @Test
    void budgetZeroClosesImmediately() {
        ThinkingBudget b = new ThinkingBudget(0, THINK_END, ENDS_LINE);
        assertThat(b.state()).isEqualTo(FORCING_CLOSE);
        Run r = run(b, 1, 2, NL, 3);
        assertThat(r.tokens()).isEqualTo(list(THINK_END, 2, NL, 3));
        assertThat(r.budget().reasoningTokens()).isZero();
    }

    @Test
    void defaultGraceIsFiveHundredTokens() {
        ThinkingBudget b = new ThinkingBudget(1, THINK_END, ENDS_LINE);
        assertThat(b.graceTokens()).isEqualTo(ThinkingBudget.DEFAULT_GRACE_TOKENS).isEqualTo(500);
        Run r = run(b, script(new int[] {1}, 4, 600));
        assertThat(r.closedAt()).isEqualTo(1 + 500);
    }

    @Test
    void graceIsConfigurable() {
        assertThat(run(new ThinkingBudget(1, THINK_END, ENDS_LINE, 7), script(new int[] {1}, 4, 20)).closedAt())
                .isEqualTo(1 + 7);
        // grace 0: close right after the budget, newline or not
        Run r = run(new ThinkingBudget(2, THINK_END, ENDS_LINE, 0), 1, 2, 4, 4);
        assertThat(r.tokens()).isEqualTo(list(1, 2, THINK_END, 4));
    }

    @Test
    void forcingWinsOverSamplingAndPenalties() {
        // temperature 1 with a repetition penalty on </think> (already in the prompt): still forced
        SamplingParams p = SamplingParams.builder().temperature(1.0).repetitionPenalty(1.5).seed(3).maxTokens(100).build();
        for (int i = 0; i < 20; i++) {
            Run r = run(new ThinkingBudget(2, THINK_END, ENDS_LINE, 0), p.toBuilder().seed(i).build(), 1, 2, 4, 4);
            assertThat(r.tokens().get(2)).isEqualTo(THINK_END);
        }
    }

    @Test
    void applyOutsideForcingLeavesTheLogitsAlone() {
        ThinkingBudget b = new ThinkingBudget(1, THINK_END, ENDS_LINE, 5);
        float[] logits = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f};
        b.apply(logits, new TokenBuffer(new int[] {0}));
        assertThat(logits).containsExactly(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f);
        b.observe(THINK_END);
        b.observe(NL);
        b.apply(logits, new TokenBuffer(new int[] {0}));
        assertThat(logits[0]).isEqualTo(1f);
        assertThat(b.state()).isEqualTo(ANSWERING);
    }

    @Test
    void invalidSettingsNameTheField() {
        assertThatThrownBy(() -> new ThinkingBudget(-1, THINK_END, ENDS_LINE))
                .isInstanceOf(NemotronException.class).hasMessage("max_thinking_tokens must be >= 0, got -1");
        assertThatThrownBy(() -> new ThinkingBudget(10, THINK_END, ENDS_LINE, -5))
                .isInstanceOf(NemotronException.class).hasMessage("thinking grace tokens must be >= 0, got -5");
    }
}
