package dev.nemotron.infer.bench;

import dev.nemotron.arch.estimate.HeapMeter;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.SequenceState;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.util.SplittableRandom;

/**
 * Prefill and decode throughput of a model, the way serving runs it.
 *
 * <pre>
 * 1. prefill {@code batch} random prompts of {@code inputTokens} tokens, one after another
 * 2. decode {@code outputTokens} steps, all sequences together (greedy next token)
 * 3. measure the memory bandwidth and relate decode speed to its roofline
 * </pre>
 *
 * A warm-up of a few steps on a separate sequence runs first so that the JIT has compiled the
 * kernels.
 */
public final class ThroughputBench {
    private ThroughputBench() {
    }

    public static BenchResult run(HybridModel model, Checkpoint checkpoint, int inputTokens, int outputTokens,
                                  int batch, long seed) {
        int vocab = model.config().vocabSize();
        SplittableRandom rnd = new SplittableRandom(seed);
        try (HeapMeter heap = HeapMeter.start()) {
            return run(model, checkpoint, inputTokens, outputTokens, batch, rnd, vocab, heap);
        }
    }

    private static BenchResult run(HybridModel model, Checkpoint checkpoint, int inputTokens, int outputTokens,
                                   int batch, SplittableRandom rnd, int vocab, HeapMeter heap) {
        // 0. warm-up
        SequenceState warm = model.newSequence();
        model.prefill(warm, randomIds(rnd, Math.min(inputTokens, 64), vocab));
        for (int i = 0; i < 8; i++) {
            model.decode(new SequenceState[] {warm}, new int[] {rnd.nextInt(vocab)});
        }

        // 1. prefill
        SequenceState[] seqs = new SequenceState[batch];
        int[] next = new int[batch];
        long t0 = System.nanoTime();
        for (int b = 0; b < batch; b++) {
            seqs[b] = model.newSequence();
            next[b] = argmax(model.prefill(seqs[b], randomIds(rnd, inputTokens, vocab)), 0, vocab);
        }
        double prefillSeconds = (System.nanoTime() - t0) / 1e9;

        // 2. decode
        long t1 = System.nanoTime();
        for (int step = 0; step < outputTokens; step++) {
            float[] logits = model.decode(seqs, next);
            for (int b = 0; b < batch; b++) {
                next[b] = argmax(logits, b * vocab, vocab);
            }
        }
        double decodeSeconds = (System.nanoTime() - t1) / 1e9;
        long cacheBytes = 0;
        for (SequenceState s : seqs) {
            cacheBytes += s.bytes();
        }
        long peakHeap = heap.peakAfterGcBytes();

        // 3. roofline: weights once per step + each sequence's state (read; SSM state also written)
        long weights = weightBytesReadPerStep(model, checkpoint);
        long perStep = weights + cacheBytes;
        double bandwidth = MemoryBandwidth.measure(Math.max(256L << 20, 2 * weights), 5);
        double roofline = batch * bandwidth / perStep;
        return new BenchResult(batch, inputTokens, outputTokens, batch * (double) inputTokens / prefillSeconds,
                batch * (double) outputTokens / decodeSeconds, decodeSeconds * 1000 / outputTokens, weights, perStep,
                bandwidth, roofline, peakHeap, cacheBytes);
    }

    /** Every weight's bytes as the model holds them (Q8_0 when quantized at load), but only one row of the embedding table. */
    static long weightBytesReadPerStep(HybridModel model, Checkpoint checkpoint) {
        return model.weightBytesReadPerStep(checkpoint);
    }

    private static int[] randomIds(SplittableRandom rnd, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(vocab);
        }
        return ids;
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

    /** Parameters of {@code model}, for reports. */
    public static long parameters(HybridModel model) {
        return model.graph().parameterCount();
    }
}
