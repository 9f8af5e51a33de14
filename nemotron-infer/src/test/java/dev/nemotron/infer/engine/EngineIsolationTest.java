package dev.nemotron.infer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.infer.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failure of one request (an {@link Error} included) ends that request alone: the others in
 * its batch go on, every admitted request is finished, and every reservation is released.
 */
class EngineIsolationTest {

    /** A listener that throws an {@link OutOfMemoryError} on its {@code failAt}-th delta (1-based). */
    private static GenerationListener failingAt(int failAt) {
        AtomicInteger deltas = new AtomicInteger();
        return new GenerationListener() {
            @Override
            public void onDelta(GenerationDelta delta) {
                if (deltas.incrementAndGet() == failAt) {
                    throw new OutOfMemoryError("simulated");
                }
            }

            @Override
            public void onComplete(GenerationResult result) {
            }
        };
    }

    /** failAt 1: the failure hits during prefill; 3: during a shared decode step. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void anErrorOfOneRequestFailsOnlyThatRequest(int failAt) throws Exception {
        CountDownLatch queued = new CountDownLatch(1);
        ScriptedModel scripted = new ScriptedModel(16, 1, ids -> {
            try {
                queued.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 3;
        });
        try (GenerationEngine e = new GenerationEngine(scripted, TextCodec.idsOnly(Set.of()), new EngineConfig(4, 8, 1 << 20))) {
            List<GenerationHandle> handles = new ArrayList<>();
            handles.add(e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(6)), GenerationListener.ignoringDeltas()));
            handles.add(e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(6)), failingAt(failAt)));
            handles.add(e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(6)), GenerationListener.ignoringDeltas()));
            queued.countDown();
            GenerationResult first = handles.get(0).result().get(10, TimeUnit.SECONDS);
            GenerationResult failed = handles.get(1).result().get(10, TimeUnit.SECONDS);
            GenerationResult third = handles.get(2).result().get(10, TimeUnit.SECONDS);
            assertThat(failed.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(failed.error()).isInstanceOf(OutOfMemoryError.class);
            assertThat(first.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(first.outputIds()).hasSize(6);
            assertThat(third.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(EngineTest.releasedEventually(e)).isZero();
            assertThat(e.runningCount()).isZero();
            // and the engine still serves
            assertThat(e.generate(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(2))).finishReason())
                    .isEqualTo(FinishReason.LENGTH);
        }
    }

    /**
     * maxBatch 8 + maxQueued 16 hold 24 requests, whatever the engine thread is doing: a burst that
     * arrives while the engine is busy (here: blocked in a prefill) is not refused early.
     */
    @Test
    void aBurstOfBatchPlusQueueRequestsIsAcceptedWhileTheEngineIsBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedModel blocked = new ScriptedModel(16, 1, ids -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 3;
        });
        try (GenerationEngine e = new GenerationEngine(blocked, TextCodec.idsOnly(Set.of()), new EngineConfig(8, 16, 1 << 20))) {
            List<GenerationHandle> handles = new ArrayList<>();
            handles.add(e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(2)), GenerationListener.ignoringDeltas()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (e.queuedCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(2);                    // the engine took the first one and is stuck in its prefill
            }
            for (int i = 1; i < 24; i++) {
                handles.add(e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(2)),
                        GenerationListener.ignoringDeltas()));
            }
            assertThat(e.capacity()).isEqualTo(24);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> e.submit(GenerationRequest.of(new int[] {1},
                    SamplingParams.greedy(2)), GenerationListener.ignoringDeltas())).isInstanceOf(EngineOverloadedException.class);
            release.countDown();
            for (GenerationHandle h : handles) {
                assertThat(h.result().get(10, TimeUnit.SECONDS).finishReason()).isEqualTo(FinishReason.LENGTH);
            }
        }
    }

    /** top_k far beyond the vocabulary samples normally instead of allocating top_k floats. */
    @Test
    void hugeTopKIsClampedToTheVocabulary() {
        ScriptedModel scripted = new ScriptedModel(16, 1, ids -> 3);
        try (GenerationEngine e = new GenerationEngine(scripted, TextCodec.idsOnly(Set.of()), new EngineConfig(4, 8, 1 << 20))) {
            GenerationResult r = e.generate(GenerationRequest.of(new int[] {1},
                    SamplingParams.builder().topK(Integer.MAX_VALUE).seed(1).maxTokens(4).build()));
            assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(r.error()).isNull();
        }
    }
}
