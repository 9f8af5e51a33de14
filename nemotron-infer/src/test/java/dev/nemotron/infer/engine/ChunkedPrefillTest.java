package dev.nemotron.infer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.infer.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Chunked prefill: a long prompt admitted while another stream decodes is prefilled a chunk per
 * engine step, between that stream's decode steps; greedy outputs are the same as with whole
 * prompts.
 */
class ChunkedPrefillTest {
    @Test
    void greedyOutputsAreIdenticalWithAndWithoutChunking() {
        int[] lengths = {3, 37, 90, 150, 1};
        List<int[]> whole;
        List<int[]> chunked;
        List<int[]> oddChunks;
        try (Backend backend = Backends.create("java"); HybridModel model = HybridModel.load(EngineTest.MODEL, backend)) {
            whole = run(model, lengths, 0);
            chunked = run(model, lengths, 16);
            oddChunks = run(model, lengths, 7);
        }
        for (int i = 0; i <= lengths.length; i++) {
            assertThat(chunked.get(i)).as("request %d, chunks of 16", i).containsExactly(whole.get(i));
            assertThat(oddChunks.get(i)).as("request %d, chunks of 7", i).containsExactly(whole.get(i));
            assertThat(whole.get(i)).hasSize(i == 0 ? 300 : 12);
        }
    }

    private static List<int[]> run(HybridModel model, int[] lengths, int chunk) {
        // pieces of the model's own prefill (5 tokens) differ from the engine's chunks on purpose
        Counting counting = new Counting(new HybridLanguageModel(model, 5));
        try (GenerationEngine e = new GenerationEngine(counting, TextCodec.idsOnly(Set.of()),
                new EngineConfig(8, 16, 1L << 30, chunk))) {
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            // a stream decoding first, so that the other prompts are admitted while it runs
            // (with nothing decoding, the engine prefills prompts whole)
            CountDownLatch streaming = new CountDownLatch(2);
            futures.add(e.submit(GenerationRequest.of(new int[] {11, 12}, SamplingParams.greedy(300)),
                    new GenerationListener() {
                        @Override
                        public void onDelta(GenerationDelta delta) {
                            streaming.countDown();
                        }

                        @Override
                        public void onComplete(GenerationResult result) {
                        }
                    }).result());
            try {
                assertThat(streaming.await(60, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException ie) {
                throw new AssertionError(ie);
            }
            for (int i = 0; i < lengths.length; i++) {
                int[] prompt = new int[lengths[i]];
                for (int t = 0; t < prompt.length; t++) {
                    prompt[t] = (t * 31 + i * 7 + 3) % 500;
                }
                futures.add(e.submit(GenerationRequest.of(prompt, SamplingParams.greedy(12)),
                        GenerationListener.ignoringDeltas()).result());
            }
            List<int[]> out = new ArrayList<>();
            futures.forEach(f -> out.add(f.join().outputIds()));
            // chunking happened (prompts continued piece by piece) exactly when asked for
            if (chunk > 0) {
                assertThat(counting.extends_.get()).isPositive();
            } else {
                assertThat(counting.extends_.get()).isZero();
            }
            return out;
        }
    }

    @Test
    void aLongPromptIsPrefilledBetweenTheDecodeStepsOfARunningStream() throws Exception {
        Recording model = new Recording();
        try (GenerationEngine e = new GenerationEngine(model, TextCodec.idsOnly(Set.of()), new EngineConfig(4, 8, 1L << 30, 4))) {
            CountDownLatch streaming = new CountDownLatch(3);
            GenerationListener onToken = new GenerationListener() {
                @Override
                public void onDelta(GenerationDelta delta) {
                    streaming.countDown();
                }

                @Override
                public void onComplete(GenerationResult result) {
                }
            };
            GenerationHandle a = e.submit(GenerationRequest.of(new int[] {1}, SamplingParams.greedy(100_000)), onToken);
            assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<GenerationResult> b = e.submit(GenerationRequest.of(new int[18], SamplingParams.greedy(2)),
                    GenerationListener.ignoringDeltas()).result();
            assertThat(b.get(10, TimeUnit.SECONDS).outputIds()).hasSize(2);
            a.cancel();
            assertThat(a.result().get(10, TimeUnit.SECONDS).finishReason()).isEqualTo(FinishReason.CANCELLED);
        }
        // B's 18 tokens: pieces of 4, 4, 4, 4 then the last 2 with logits, each followed by a decode of A
        List<String> log = model.log();
        int first = log.indexOf("extend 4");
        assertThat(log.subList(first, first + 10)).containsExactly(
                "extend 4", "decode 1", "extend 4", "decode 1", "extend 4", "decode 1", "extend 4", "decode 1",
                "prefill 2", "decode 2");
    }

    /** A model that counts {@link LanguageModel#extend} calls and otherwise delegates. */
    private static final class Counting implements LanguageModel {
        final LanguageModel inner;
        final java.util.concurrent.atomic.AtomicInteger extends_ = new java.util.concurrent.atomic.AtomicInteger();

        Counting(LanguageModel inner) {
            this.inner = inner;
        }

        @Override
        public int vocabSize() {
            return inner.vocabSize();
        }

        @Override
        public ModelSequence newSequence() {
            return inner.newSequence();
        }

        @Override
        public float[] prefill(ModelSequence sequence, int[] ids) {
            return inner.prefill(sequence, ids);
        }

        @Override
        public boolean prefillsInPieces() {
            return inner.prefillsInPieces();
        }

        @Override
        public void extend(ModelSequence sequence, int[] ids) {
            extends_.incrementAndGet();
            inner.extend(sequence, ids);
        }

        @Override
        public float[] decode(List<ModelSequence> sequences, int[] tokens) {
            return inner.decode(sequences, tokens);
        }

        @Override
        public long sequenceBytes(long tokens) {
            return inner.sequenceBytes(tokens);
        }
    }

    /** Logs the engine's calls; every logit row is zeros (greedy picks token 0), never an end token. */
    private static final class Recording implements LanguageModel {
        private final List<String> log = Collections.synchronizedList(new ArrayList<>());

        List<String> log() {
            synchronized (log) {
                return new ArrayList<>(log);
            }
        }

        @Override
        public int vocabSize() {
            return 8;
        }

        @Override
        public ModelSequence newSequence() {
            return new ModelSequence() {
                @Override
                public int length() {
                    return 0;
                }

                @Override
                public long bytes() {
                    return 0;
                }
            };
        }

        @Override
        public float[] prefill(ModelSequence sequence, int[] ids) {
            log.add("prefill " + ids.length);
            return new float[8];
        }

        @Override
        public boolean prefillsInPieces() {
            return true;
        }

        @Override
        public void extend(ModelSequence sequence, int[] ids) {
            log.add("extend " + ids.length);
        }

        @Override
        public float[] decode(List<ModelSequence> sequences, int[] tokens) {
            log.add("decode " + tokens.length);
            try {
                Thread.sleep(1); // a stream that lasts while the test submits the long prompt
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new float[8 * tokens.length];
        }

        @Override
        public long sequenceBytes(long tokens) {
            return 1;
        }
    }
}
