package dev.nemotron.infer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.infer.sampling.SamplingParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine on the real fixture model: golden greedy ids, continuous batching, admission, cancel. */
class EngineTest {
    static final Path MODEL = dev.nemotron.testing.Fixtures.dir("tiny-nemotron-h-a");
    static Backend backend;
    static HybridModel model;

    @BeforeAll
    static void load() {
        backend = Backends.create("java");
        model = HybridModel.load(MODEL, backend);
    }

    @AfterAll
    static void close() {
        model.close();
        backend.close();
    }

    static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(t.getLong(i));
        }
        return out;
    }

    static GenerationEngine engine(int maxBatch, long budget) {
        return new GenerationEngine(new HybridLanguageModel(model), TextCodec.idsOnly(Set.of()),
                new EngineConfig(maxBatch, 64, budget));
    }

    @Test
    void greedyGenerationReproducesHfGenerate() {
        int[] prompt;
        int[] expected;
        try (SafetensorsFile g = SafetensorsFile.open(MODEL.resolve("golden.safetensors"))) {
            prompt = ints(g.tensor("generate.prompt_ids"));
            expected = ints(g.tensor("generate.output_ids"));
        }
        try (GenerationEngine e = engine(4, 1L << 30)) {
            GenerationResult r = e.generate(GenerationRequest.of(prompt, SamplingParams.greedy(expected.length - prompt.length)));
            assertThat(r.outputIds()).containsExactly(Arrays.copyOfRange(expected, prompt.length, expected.length));
            assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    /**
     * The engine's reserved bytes once the last finished request's reservation is returned: a
     * result completes on the engine thread just before the loop gives its reservation back.
     */
    static long releasedEventually(GenerationEngine e) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (e.reservedBytes() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return e.reservedBytes();
    }

    static int[] prompt(int seed, int length) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] p = new int[length];
        for (int i = 0; i < length; i++) {
            p[i] = rnd.nextInt(512);
        }
        return p;
    }

    @Test
    void continuousBatchingGivesTheSameTokensAsOneAtATime() {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            SamplingParams p = i % 2 == 0 ? SamplingParams.greedy(5 + 3 * i)
                    : SamplingParams.builder().temperature(0.9).topP(0.9).seed(100 + i).maxTokens(4 + 2 * i).build();
            requests.add(GenerationRequest.of(prompt(i, 1 + 5 * i), p));
        }
        List<int[]> alone = new ArrayList<>();
        try (GenerationEngine e = engine(1, 1L << 30)) {
            for (GenerationRequest r : requests) {
                alone.add(e.generate(r).outputIds());
            }
        }
        try (GenerationEngine e = engine(3, 1L << 30)) {
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            for (GenerationRequest r : requests) {
                futures.add(e.submit(r, GenerationListener.ignoringDeltas()).result());
            }
            for (int i = 0; i < requests.size(); i++) {
                assertThat(futures.get(i).join().outputIds()).as("request %d", i).containsExactly(alone.get(i));
            }
        }
    }

    @Test
    void admissionControlBoundsTheBatchByMemoryAndRejectsWhatCanNeverFit() throws InterruptedException {
        // the first prefill waits until all six requests are queued, so that admission (not
        // arrival timing) decides how many run together
        CountDownLatch queued = new CountDownLatch(1);
        ScriptedModel scripted = new ScriptedModel(16, 100, ids -> {
            awaitQuietly(queued);
            return 3;
        });
        // each request: 4 prompt + 20 new tokens = 2400 bytes; the budget holds two at once
        try (GenerationEngine e = new GenerationEngine(scripted, TextCodec.idsOnly(Set.of()), new EngineConfig(8, 64, 5000))) {
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                futures.add(e.submit(GenerationRequest.of(new int[] {1, 2, 3, 4}, SamplingParams.greedy(20)),
                        GenerationListener.ignoringDeltas()).result());
            }
            queued.countDown();
            futures.forEach(f -> assertThat(f.join().outputIds()).hasSize(20));
            assertThat(scripted.maxBatchSeen.get()).isEqualTo(2);
            assertThat(releasedEventually(e)).isZero();
            assertThatThrownBy(() -> e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(100)),
                    GenerationListener.ignoringDeltas())).isInstanceOf(NemotronException.class).hasMessageContaining("budget");
        }
    }

    /** submitAll queues the whole list before the engine admits any of it: at the first prefill all six are admitted or queued. */
    @Test
    void submitAllQueuesEveryRequestBeforeTheEngineAdmitsOne() {
        AtomicReference<GenerationEngine> engine = new AtomicReference<>();
        AtomicInteger seenAtFirstPrefill = new AtomicInteger(-1);
        ScriptedModel[] model = new ScriptedModel[1];
        model[0] = new ScriptedModel(16, 1, ids -> {
            if (ids.size() == 4) { // a prefill (prompts are 4 tokens): requests admitted (9 bytes each) or queued now
                GenerationEngine e = engine.get();
                seenAtFirstPrefill.compareAndSet(-1, (int) (e.reservedBytes() / 9) + e.queuedCount());
            }
            return 3;
        });
        try (GenerationEngine e = new GenerationEngine(model[0], TextCodec.idsOnly(Set.of()), new EngineConfig(8, 8, 1 << 20))) {
            engine.set(e);
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                requests.add(GenerationRequest.of(new int[] {1, 2, 3, 4 + i % 2}, SamplingParams.greedy(5)));
            }
            List<GenerationHandle> handles = e.submitAll(requests, Collections.nCopies(6, GenerationListener.ignoringDeltas()));
            assertThat(handles).hasSize(6);
            handles.forEach(h -> assertThat(h.result().join().outputIds()).containsExactly(3, 3, 3, 3, 3));
            assertThat(seenAtFirstPrefill.get()).isEqualTo(6);
            assertThat(model[0].maxBatchSeen.get()).isEqualTo(6);
        }
    }

    /** All or none: a list the queue cannot take, or one request that can never fit, queues nothing. */
    @Test
    void submitAllIsAllOrNothing() {
        ScriptedModel scripted = new ScriptedModel(16, 100, ids -> 3);
        try (GenerationEngine e = new GenerationEngine(scripted, TextCodec.idsOnly(Set.of()), new EngineConfig(2, 2, 5000))) {
            List<GenerationRequest> five = Collections.nCopies(5, GenerationRequest.of(new int[] {1}, SamplingParams.greedy(3)));
            assertThatThrownBy(() -> e.submitAll(five, Collections.nCopies(5, GenerationListener.ignoringDeltas())))
                    .isInstanceOf(EngineOverloadedException.class);
            List<GenerationRequest> oneTooBig = List.of(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(3)),
                    GenerationRequest.of(new int[] {1}, SamplingParams.greedy(100)));
            assertThatThrownBy(() -> e.submitAll(oneTooBig, Collections.nCopies(2, GenerationListener.ignoringDeltas())))
                    .isInstanceOf(NemotronException.class).hasMessageContaining("budget");
            assertThat(e.queuedCount() + e.runningCount()).isZero();
            assertThat(scripted.sequencesCreated.get()).isZero();
        }
    }

    @Test
    void fullQueueIsRefused() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedModel slow = new ScriptedModel(16, 1, ids -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return 3;
        });
        try (GenerationEngine e = new GenerationEngine(slow, TextCodec.idsOnly(Set.of()), new EngineConfig(1, 2, 1 << 20))) {
            List<GenerationHandle> handles = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // one running (blocked in prefill) + two queued
                handles.add(e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(3)), GenerationListener.ignoringDeltas()));
                if (i == 0) { // wait until the engine took the first one out of the queue
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (e.queuedCount() > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                }
            }
            assertThatThrownBy(() -> e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(3)),
                    GenerationListener.ignoringDeltas())).isInstanceOf(EngineOverloadedException.class);
            release.countDown();
            handles.forEach(h -> assertThat(h.result().join().finishReason()).isEqualTo(FinishReason.LENGTH));
        }
    }

    @Test
    void cancelStopsAGenerationAndReleasesItsMemory() throws InterruptedException {
        ScriptedModel scripted = new ScriptedModel(16, 10, ids -> 3);
        try (GenerationEngine e = new GenerationEngine(scripted, TextCodec.idsOnly(Set.of()), new EngineConfig(4, 8, 1 << 30))) {
            CountDownLatch started = new CountDownLatch(5);
            GenerationHandle h = e.submit(GenerationRequest.of(new int[] {1, 2}, SamplingParams.greedy(1_000_000)),
                    new GenerationListener() {
                        @Override
                        public void onDelta(GenerationDelta d) {
                            started.countDown();
                        }

                        @Override
                        public void onComplete(GenerationResult r) {
                        }
                    });
            assertThat(awaitQuietly(started)).isTrue();
            h.cancel();
            GenerationResult r = h.result().join();
            assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(r.outputIds().length).isLessThan(1_000_000);
            assertThat(releasedEventually(e)).isZero();
        }
    }

    @Test
    void eosEndsTheGeneration() {
        ScriptedModel scripted = new ScriptedModel(16, 1, ids -> ids.size() >= 6 ? 2 : 5);
        try (GenerationEngine e = new GenerationEngine(scripted, TextCodec.idsOnly(Set.of(2)), new EngineConfig(4, 8, 1 << 20))) {
            GenerationResult r = e.generate(GenerationRequest.of(new int[] {1, 1, 1}, SamplingParams.greedy(50)));
            assertThat(r.outputIds()).containsExactly(5, 5, 5, 2);
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
