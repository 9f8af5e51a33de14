package dev.nemotron.infer.bench;

import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.SequenceState;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.engine.GenerationDelta;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.engine.GenerationHandle;
import dev.nemotron.infer.engine.GenerationListener;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.infer.engine.HybridLanguageModel;
import dev.nemotron.infer.engine.TextCodec;
import dev.nemotron.infer.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Time between tokens of a running stream while a long prompt is admitted, on the generation
 * engine (continuous batching), with whole-prompt or chunked prefill.
 *
 * <pre>
 * 1. warm up: one prefill of the long prompt's length and a few decode steps (JIT)
 * 2. stream A: a short random prompt, greedy, unlimited; wait for its first WARM tokens
 * 3. admit B: a random prompt of longTokens tokens, one output token; wait for B's result
 * 4. wait for AFTER more tokens of A, then cancel A
 * 5. TBT = gaps between A's consecutive tokens: "before" (both before B was submitted) and
 *    "during" (ending between B's submission and A's first token after B finished)
 * </pre>
 */
public final class InterleaveBench {
    private static final int WARM = 16;
    private static final int AFTER = 4;

    /** Percentiles of one set of gaps, in milliseconds. */
    public record Stats(int gaps, double p50Millis, double p99Millis, double maxMillis) {
        static Stats of(List<Double> millis) {
            double[] a = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (a.length == 0) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Stats(a.length, pick(a, 0.50), pick(a, 0.99), a[a.length - 1]);
        }

        private static double pick(double[] sorted, double q) {
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    /**
     * @param prefillChunk   engine prefill chunk (0: whole prompts)
     * @param admitSeconds   from B's submission to its result (its prefill and first token)
     */
    public record Result(int prefillChunk, int streamPromptTokens, int longPromptTokens, double admitSeconds,
                         Stats before, Stats during) {
    }

    private InterleaveBench() {
    }

    /** Warms the JIT up on {@code model} (a prefill of {@code tokens} tokens and decode steps). */
    public static void warmUp(HybridModel model, int tokens, long seed) {
        SequenceState s = model.newSequence();
        int vocab = model.config().vocabSize();
        model.prefill(s, random(new SplittableRandom(seed), tokens, vocab), 256);
        for (int i = 0; i < 8; i++) {
            model.decode(new SequenceState[] {s}, new int[] {i % vocab});
        }
    }

    public static Result run(HybridModel model, int streamPromptTokens, int longPromptTokens, int prefillChunk,
                             long seed) throws InterruptedException {
        int vocab = model.config().vocabSize();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Long> times = new ArrayList<>();
        CountDownLatch warm = new CountDownLatch(WARM);
        GenerationListener onToken = new GenerationListener() {
            @Override
            public void onDelta(GenerationDelta delta) {
                synchronized (times) {
                    times.add(System.nanoTime());
                    times.notifyAll();
                }
                warm.countDown();
            }

            @Override
            public void onComplete(GenerationResult result) {
            }
        };
        EngineConfig config = new EngineConfig(4, 4, Long.MAX_VALUE / 4, prefillChunk);
        long submitted;
        long finished;
        try (GenerationEngine engine = new GenerationEngine(new HybridLanguageModel(model), TextCodec.idsOnly(Set.of()), config)) {
            // 2. the running stream
            GenerationHandle a = engine.submit(GenerationRequest.of(random(rnd, streamPromptTokens, vocab),
                    SamplingParams.greedy(1_000_000)), onToken);
            if (!warm.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the stream produced no tokens within 10 minutes");
            }
            // 3. the long prompt
            submitted = System.nanoTime();
            engine.submit(GenerationRequest.of(random(rnd, longPromptTokens, vocab), SamplingParams.greedy(1)),
                    GenerationListener.ignoringDeltas()).result().join();
            finished = System.nanoTime();
            // 4. a few more tokens of A
            synchronized (times) {
                while (times.stream().filter(t -> t > finished).count() < AFTER) {
                    times.wait();
                }
            }
            a.cancel();
            a.result().join();
        }
        // 5. gaps
        List<Double> before = new ArrayList<>();
        List<Double> during = new ArrayList<>();
        Long[] t;
        synchronized (times) {
            t = times.toArray(new Long[0]);
        }
        long firstAfter = Arrays.stream(t).filter(x -> x > finished).findFirst().orElse(Long.MAX_VALUE);
        for (int i = 1; i < t.length; i++) {
            double gap = (t[i] - t[i - 1]) / 1e6;
            if (t[i] <= submitted) {
                before.add(gap);
            } else if (t[i] <= firstAfter) {
                during.add(gap);
            }
        }
        return new Result(prefillChunk, streamPromptTokens, longPromptTokens, (finished - submitted) / 1e9,
                Stats.of(before), Stats.of(during));
    }

    private static int[] random(SplittableRandom rnd, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(vocab);
        }
        return ids;
    }
}
