package dev.nemotron.arch.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.arch.testing.Numerics;
import dev.nemotron.testing.Fixtures;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Q8_0 weights (quantized at load) and a BF16 KV cache against the float32 run on the golden
 * fixture: per-step logit error (teacher-forced along the float32 greedy path, so errors do not
 * compound) and greedy token agreement; plus the memory each saves.
 */
class LowPrecisionRunTest {
    private static final String FIXTURE = "tiny-nemotron-h-a";
    private static Backend backend;
    private static HybridModel f32;

    @BeforeAll
    static void load() {
        backend = Backends.create("java");
        f32 = HybridModel.load(ModelDirectory.open(Fixtures.dir(FIXTURE)), backend);
    }

    @AfterAll
    static void close() {
        f32.close();
        backend.close();
    }

    private static int[] prompt() {
        try (SafetensorsFile g = SafetensorsFile.open(Fixtures.dir(FIXTURE).resolve("golden.safetensors"))) {
            Tensor t = g.tensor("generate.prompt_ids");
            int[] out = new int[(int) t.numel()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.toIntExact(t.getLong(i));
            }
            return out;
        }
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** [worst relative logit error, greedy agreement] of {@code other} along f32's greedy path. */
    private static double[] compare(HybridModel other, int steps) {
        int[] prompt = prompt();
        SequenceState a = f32.newSequence();
        SequenceState b = other.newSequence();
        float[] la = f32.prefill(a, prompt);
        float[] lb = other.prefill(b, prompt);
        double worst = 0;
        int agree = 0;
        for (int t = 0; t < steps; t++) {
            worst = Math.max(worst, Numerics.relativeError(lb, la));
            int token = argmax(la);
            if (argmax(lb) == token) {
                agree++;
            }
            la = f32.decode(new SequenceState[] {a}, new int[] {token});
            lb = other.decode(new SequenceState[] {b}, new int[] {token});
        }
        return new double[] {worst, agree / (double) steps};
    }

    @Test
    void q8WeightsStayCloseToF32AndAgreeOnGreedyTokens() {
        try (HybridModel q8 = HybridModel.load(ModelDirectory.open(Fixtures.dir(FIXTURE)), backend,
                RunOptions.defaults().withWeights(DType.Q8_0))) {
            double[] r = compare(q8, 24);
            System.out.printf("Q8_0 weights: worst relative logit error %.3e, greedy agreement %.3f%n", r[0], r[1]);
            assertThat(r[0]).as("relative logit error").isLessThan(3e-2).isGreaterThan(0);
            assertThat(r[1]).as("greedy agreement").isGreaterThanOrEqualTo(0.9);
            try (Checkpoint ckpt = ModelDirectory.open(Fixtures.dir(FIXTURE)).openCheckpoint()) {
                // projections at 34 bytes per 32 weights instead of 4 bytes per weight
                assertThat((double) q8.weightBytesReadPerStep(ckpt) / f32.weightBytesReadPerStep(ckpt))
                        .isLessThan(0.4);
            }
        }
    }

    @Test
    void bf16KvCacheStaysCloseToF32AndHalvesTheCache() {
        try (HybridModel bf = HybridModel.load(ModelDirectory.open(Fixtures.dir(FIXTURE)), backend,
                RunOptions.defaults().withKvCache(DType.BF16))) {
            double[] r = compare(bf, 24);
            System.out.printf("BF16 KV cache: worst relative logit error %.3e, greedy agreement %.3f%n", r[0], r[1]);
            assertThat(r[0]).as("relative logit error").isLessThan(1e-2).isGreaterThan(0);
            assertThat(r[1]).as("greedy agreement").isGreaterThanOrEqualTo(0.95);
            int[] ids = new int[100];
            Arrays.setAll(ids, i -> (i * 37) % 500);
            SequenceState sa = f32.newSequence();
            SequenceState sb = bf.newSequence();
            f32.prefill(sa, ids);
            bf.prefill(sb, ids);
            long mamba = f32.newSequence().bytes(); // SSM state + conv window, no KV rows yet ...
            long mambaBf = bf.newSequence().bytes(); // ... but the empty caches' initial capacity
            assertThat((double) (sb.bytes() - mambaBf) / (sa.bytes() - mamba)).isEqualTo(0.5);
        }
    }
}
