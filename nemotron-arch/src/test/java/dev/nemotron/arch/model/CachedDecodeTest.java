package dev.nemotron.arch.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.testing.Fixtures;
import dev.nemotron.arch.testing.Numerics;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cached decoding (KV cache + conv window + SSM state): greedy generation reproduces HF's
 * {@code generate.output_ids}, equals recomputation without cache, and batched decoding equals
 * decoding each sequence alone.
 */
class CachedDecodeTest {
    private static Backend backend;
    private static HybridModel model;

    @BeforeAll
    static void load() {
        backend = Backends.create("java");
        model = HybridModel.load(Fixtures.dir("tiny-nemotron-h-a"), backend);
    }

    @AfterAll
    static void close() {
        model.close();
        backend.close();
    }

    private static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(t.getLong(i));
        }
        return out;
    }

    private static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[offset + i] > logits[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void greedyCachedGenerationReproducesHfGenerate() {
        int[] prompt;
        int[] expected;
        try (SafetensorsFile g = SafetensorsFile.open(Fixtures.dir("tiny-nemotron-h-a").resolve("golden.safetensors"))) {
            prompt = ints(g.tensor("generate.prompt_ids"));
            expected = ints(g.tensor("generate.output_ids"));
        }
        int vocab = model.config().vocabSize();
        SequenceState seq = model.newSequence();
        int[] out = Arrays.copyOf(prompt, expected.length);
        float[] logits = model.prefill(seq, prompt);
        for (int t = prompt.length; t < expected.length; t++) {
            out[t] = argmax(logits, 0, vocab);
            logits = model.decode(new SequenceState[] {seq}, new int[] {out[t]});
        }
        assertThat(out).containsExactly(expected);
        assertThat(seq.length()).isEqualTo(expected.length);
    }

    @Test
    void cachedLogitsEqualRecomputationWithoutCache() {
        int[] ids = {7, 300, 12, 45, 45, 9, 511, 0, 3, 77, 250, 13, 8, 100, 42, 1, 2};
        int vocab = model.config().vocabSize();
        float[] full = model.forward(ids, false).logits();
        SequenceState seq = model.newSequence();
        float[] first = model.prefill(seq, Arrays.copyOf(ids, 4), 3); // in pieces of 3 tokens
        assertThat(Numerics.relativeError(first, Arrays.copyOfRange(full, 3 * vocab, 4 * vocab))).isLessThan(1e-5);
        for (int t = 4; t < ids.length; t++) {
            float[] step = model.decode(new SequenceState[] {seq}, new int[] {ids[t]});
            assertThat(Numerics.relativeError(step, Arrays.copyOfRange(full, t * vocab, (t + 1) * vocab)))
                    .as("position %d", t).isLessThan(1e-5);
        }
    }

    @Test
    void batchedDecodeEqualsOneAtATimeAndForksAreIndependent() {
        int vocab = model.config().vocabSize();
        int[][] prompts = {{5, 6, 7}, {100, 200, 300, 400, 500, 11, 12, 13, 14, 15, 16}, {42}};
        SequenceState[] batch = new SequenceState[3];
        SequenceState[] alone = new SequenceState[3];
        for (int b = 0; b < 3; b++) {
            batch[b] = model.newSequence();
            model.prefill(batch[b], prompts[b]);
            alone[b] = batch[b].copy();
        }
        int[] tokens = {1, 2, 3};
        for (int step = 0; step < 6; step++) {
            float[] together = model.decode(batch, tokens);
            int[] next = new int[3];
            for (int b = 0; b < 3; b++) {
                float[] single = model.decode(new SequenceState[] {alone[b]}, new int[] {tokens[b]});
                float[] row = Arrays.copyOfRange(together, b * vocab, (b + 1) * vocab);
                assertThat(Numerics.relativeError(row, single)).as("step %d seq %d", step, b).isLessThan(1e-5);
                next[b] = argmax(single, 0, vocab);
            }
            tokens = next;
        }
        assertThat(batch[1].length()).isEqualTo(prompts[1].length + 6);
        assertThat(batch[1].bytes()).isPositive();
    }
}
