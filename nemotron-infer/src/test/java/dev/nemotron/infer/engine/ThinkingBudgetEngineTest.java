package dev.nemotron.infer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.thinking.ThinkingBudget;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The thinking budget through the real engine (sampler, logits processors, reasoning split),
 * with a scripted model: every branch of the rule "once the budget is reached, close at the next
 * newline; force {@code </think>} if none comes within the grace window".
 */
class ThinkingBudgetEngineTest {
    static final Tokenizer TOKENIZER = Tokenizer.load(dev.nemotron.testing.Fixtures.dir("tokenizer-bpe/tokenizer.json"));
    static final int THINK = 3;
    static final int END_THINK = 4;
    static final int EOS = 2;
    static final int NEWLINE = TOKENIZER.tokenToId("Ċ").orElseThrow();
    static final int A = TOKENIZER.tokenToId("a").orElseThrow();
    static final int B = TOKENIZER.tokenToId("b").orElseThrow();

    /** Reasoning: 'a' repeated, a newline every {@code lineEvery} tokens (0 = never); after </think>: "b b b" then EOS. */
    static ToIntFunction<List<Integer>> reasoner(int promptLength, int lineEvery) {
        return ids -> {
            int closed = ids.lastIndexOf(END_THINK);
            if (closed >= 0) {
                int answered = ids.size() - closed - 1;
                return answered < 3 ? B : EOS;
            }
            int generated = ids.size() - promptLength;
            return lineEvery > 0 && generated % lineEvery == lineEvery - 1 ? NEWLINE : A;
        };
    }

    static GenerationResult run(int lineEvery, OptionalInt budget, int grace, boolean reasoningOpen, List<GenerationDelta> deltas) {
        int[] prompt = {1, THINK, NEWLINE};
        ScriptedModel model = new ScriptedModel(TOKENIZER.vocabSize(), 1, reasoner(prompt.length, lineEvery));
        try (GenerationEngine engine = new GenerationEngine(model, new TextCodec(TOKENIZER, Set.of(EOS)),
                new EngineConfig(4, 8, 1 << 20))) {
            GenerationRequest req = new GenerationRequest(prompt, SamplingParams.greedy(200), reasoningOpen, budget, grace);
            return engine.submit(req, new GenerationListener() {
                @Override
                public void onDelta(GenerationDelta d) {
                    deltas.add(d);
                }

                @Override
                public void onComplete(GenerationResult result) {
                }
            }).result().join();
        }
    }

    static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void newlineWithinBudgetChangesNothing() {
        // newlines at indices 4, 9, ..., 39 fall within the budget of 42 and change nothing; the
        // budget is reached after index 41, the next newline (44) closes: </think> at 45
        GenerationResult r = run(5, OptionalInt.of(42), 500, true, new ArrayList<>());
        assertThat(indexOf(r.outputIds(), END_THINK)).isEqualTo(45);
        assertThat(r.outputIds()[44]).isEqualTo(NEWLINE);
        assertThat(r.reasoningTokens()).isEqualTo(45);
        assertThat(r.content()).isEqualTo("bbb");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void newlineWithinGraceClosesRightAfterIt() {
        // newline every 30 tokens: tokens 29, 59, ...; budget 31 -> the newline at index 59 is in
        // the grace window (500), so </think> is forced at index 60
        GenerationResult r = run(30, OptionalInt.of(31), 500, true, new ArrayList<>());
        assertThat(indexOf(r.outputIds(), END_THINK)).isEqualTo(60);
        assertThat(r.outputIds()[59]).isEqualTo(NEWLINE);
    }

    @Test
    void noNewlineWithinGraceForcesTheClose() {
        GenerationResult r = run(0, OptionalInt.of(20), 7, true, new ArrayList<>());
        assertThat(indexOf(r.outputIds(), END_THINK)).isEqualTo(27);
        assertThat(r.reasoning()).isEqualTo("a".repeat(27));
        assertThat(r.content()).isEqualTo("bbb");
    }

    @Test
    void withoutBudgetTheModelThinksUntilMaxTokens() {
        GenerationResult r = run(0, OptionalInt.empty(), ThinkingBudget.DEFAULT_GRACE_TOKENS, true, new ArrayList<>());
        assertThat(indexOf(r.outputIds(), END_THINK)).isEqualTo(-1);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.outputIds()).hasSize(200);
        assertThat(r.content()).isEmpty();
    }

    @Test
    void budgetZeroClosesImmediately() {
        GenerationResult r = run(0, OptionalInt.of(0), 500, true, new ArrayList<>());
        assertThat(r.outputIds()[0]).isEqualTo(END_THINK);
        assertThat(r.reasoning()).isEmpty();
        assertThat(r.content()).isEqualTo("bbb");
    }

    @Test
    void thinkingOffMeansEverythingIsContentAndNoBudget() {
        // the prompt does not leave reasoning open: the "a" tokens are the answer
        List<GenerationDelta> deltas = new ArrayList<>();
        GenerationResult r = run(0, OptionalInt.of(5), 500, false, deltas);
        assertThat(indexOf(r.outputIds(), END_THINK)).isEqualTo(-1);
        assertThat(r.reasoning()).isEmpty();
        assertThat(r.content()).isEqualTo("a".repeat(200));
        assertThat(deltas).noneMatch(GenerationDelta::reasoning);
    }

    @Test
    void streamedDeltasAddUpToTheResult() {
        List<GenerationDelta> deltas = new ArrayList<>();
        GenerationResult r = run(4, OptionalInt.of(10), 500, true, deltas);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (GenerationDelta d : deltas) {
            (d.reasoning() ? reasoning : content).append(d.text());
        }
        assertThat(reasoning.toString()).isEqualTo(r.reasoning());
        assertThat(content.toString()).isEqualTo(r.content());
        assertThat(r.reasoning()).contains("\n");
    }
}
