package dev.nemotron.infer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.infer.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stop strings through the engine: cut at the earliest stop, never streamed, even across tokens. */
class StopStringEngineTest {
    static final int EOS = ThinkingBudgetEngineTest.EOS;

    static GenerationResult run(String text, List<String> stops, List<GenerationDelta> deltas) {
        int[] script = ThinkingBudgetEngineTest.TOKENIZER.encode(text);
        int[] prompt = {1};
        ScriptedModel model = new ScriptedModel(ThinkingBudgetEngineTest.TOKENIZER.vocabSize(), 1,
                ids -> ids.size() - prompt.length < script.length ? script[ids.size() - prompt.length] : EOS);
        try (GenerationEngine e = new GenerationEngine(model,
                new TextCodec(ThinkingBudgetEngineTest.TOKENIZER, Set.of(EOS)), new EngineConfig(2, 4, 1 << 20))) {
            SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(100).stop(stops).build();
            return e.submit(GenerationRequest.of(prompt, p), new GenerationListener() {
                @Override
                public void onDelta(GenerationDelta d) {
                    deltas.add(d);
                }

                @Override
                public void onComplete(GenerationResult r) {
                }
            }).result().join();
        }
    }

    static String streamed(List<GenerationDelta> deltas) {
        StringBuilder sb = new StringBuilder();
        deltas.forEach(d -> sb.append(d.text()));
        return sb.toString();
    }

    @Test
    void stopStringCutsTheContentAndIsNeverStreamed() {
        List<GenerationDelta> deltas = new ArrayList<>();
        GenerationResult r = run("Hello, world! STOP and more text", List.of("STOP"), deltas);
        assertThat(r.content()).isEqualTo("Hello, world! ");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(streamed(deltas)).isEqualTo(r.content());
    }

    @Test
    void earliestOfSeveralStopsWins() {
        GenerationResult r = run("one two three four", List.of("four", "two"), new ArrayList<>());
        assertThat(r.content()).isEqualTo("one ");
    }

    @Test
    void heldBackPrefixIsReleasedWhenNoStopFollows() {
        List<GenerationDelta> deltas = new ArrayList<>();
        GenerationResult r = run("a STO b", List.of("STOP"), deltas);
        assertThat(r.content()).isEqualTo("a STO b");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP); // EOS
        assertThat(streamed(deltas)).isEqualTo("a STO b");
    }

    @Test
    void theWholeTextEndsBeforeTheStopStringEvenInsideAToken() {
        GenerationResult r = run("one two three", List.of("tw"), new ArrayList<>());
        assertThat(r.content()).isEqualTo("one ");
        assertThat(r.stopText()).isEqualTo("two");
        assertThat(r.text(ThinkingBudgetEngineTest.TOKENIZER)).isEqualTo("one ");

        GenerationResult free = run("one two", List.of("STOP"), new ArrayList<>());
        assertThat(free.stopText()).isNull();
        assertThat(free.text(ThinkingBudgetEngineTest.TOKENIZER)).isEqualTo("one two");
    }
}
