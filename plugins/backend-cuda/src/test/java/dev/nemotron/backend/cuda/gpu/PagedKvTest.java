package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.backend.KvCapacity;
import dev.nemotron.api.tensor.DType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The paged KV cache through the Java binding: a 4-block pool (64 tokens) reports its capacity,
 * gives the same logits as the full pool, refuses a prefill it cannot hold with the library's
 * message (the sequence unchanged), and takes a closed sequence's blocks back at once.
 */
@Tag("gpu")
class PagedKvTest {
    private static final String FIXTURE = "tiny-nemotron-h-a";

    @Test
    void aSmallPoolComputesLikeTheFullOneAndReportsItsBlocks() {
        try (Backend backend = Gpu.backend();
             DeviceModel paged = Gpu.load(backend, FIXTURE, DType.F32, 3, 64);
             DeviceModel full = Gpu.load(backend, FIXTURE, DType.F32, 3)) {
            KvCapacity kv = paged.kvCapacity().orElseThrow();
            assertThat(kv.blockTokens()).isEqualTo(16);
            assertThat(kv.totalBlocks()).isEqualTo(4);
            assertThat(kv.freeBlocks()).isEqualTo(4);
            assertThat(kv.blockBytes()).isPositive();
            assertThat(full.kvCapacity().orElseThrow().totalBlocks()).as("default: 3 slots x 256 tokens").isEqualTo(3 * 16);
            int vocab = paged.vocabSize();
            int[] promptA = new int[20];
            int[] promptB = new int[20];
            for (int i = 0; i < 20; i++) {
                promptA[i] = 3 + 7 * i;
                promptB[i] = 200 - 5 * i;
            }
            DeviceSequence a = paged.newSequence();
            DeviceSequence b = paged.newSequence();
            DeviceSequence fa = full.newSequence();
            DeviceSequence fb = full.newSequence();
            // A and B in interleaved halves: their blocks alternate in the pool
            paged.prefill(a, Arrays.copyOfRange(promptA, 0, 10));
            paged.prefill(b, Arrays.copyOfRange(promptB, 0, 10));
            float[] la = paged.prefill(a, Arrays.copyOfRange(promptA, 10, 20));
            float[] lb = paged.prefill(b, Arrays.copyOfRange(promptB, 10, 20));
            full.prefill(fa, Arrays.copyOfRange(promptA, 0, 10));
            float[] fla = full.prefill(fa, Arrays.copyOfRange(promptA, 10, 20));
            full.prefill(fb, Arrays.copyOfRange(promptB, 0, 10));
            float[] flb = full.prefill(fb, Arrays.copyOfRange(promptB, 10, 20));
            assertThat(Gpu.relativeError(la, fla)).isLessThan(1e-6);
            assertThat(Gpu.relativeError(lb, flb)).isLessThan(1e-6);
            assertThat(paged.kvCapacity().orElseThrow().freeBlocks()).as("20 tokens = 2 blocks each").isZero();

            DeviceSequence c = paged.newSequence();
            assertThatThrownBy(() -> paged.prefill(c, new int[] {1, 2, 3}))
                    .isInstanceOf(NemotronException.class).hasMessageContaining("KV cache is full")
                    .hasMessageContaining("pool's 4");
            assertThat(c.length()).isZero();
            a.close();
            assertThat(paged.kvCapacity().orElseThrow().freeBlocks()).as("a closed sequence's blocks come back").isEqualTo(2);
            DeviceSequence fc = full.newSequence();
            paged.prefill(c, new int[] {1, 2, 3});
            full.prefill(fc, new int[] {1, 2, 3});
            // decode B (crossing nothing) and C (in A's reused blocks) together, against the full pool
            int[] tokens = {4, 5};
            for (int step = 0; step < 8; step++) {
                float[] got = paged.decode(List.of(b, c), tokens);
                float[] want = full.decode(List.of(fb, fc), tokens);
                assertThat(Gpu.relativeError(got, want)).as("step %d", step).isLessThan(1e-6);
                tokens = new int[] {Gpu.argmax(want, 0, vocab), Gpu.argmax(want, vocab, vocab)};
            }
            assertThat(c.length()).isEqualTo(11);
            b.close();
            c.close();
            assertThat(paged.kvCapacity().orElseThrow().freeBlocks()).isEqualTo(4);
        }
    }
}
