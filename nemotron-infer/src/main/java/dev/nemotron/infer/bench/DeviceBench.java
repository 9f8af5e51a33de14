package dev.nemotron.infer.bench;

import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.backend.OnDeviceSampling;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.infer.sampling.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Prefill and decode throughput of a {@link DeviceModel}, next to the memory-bandwidth roofline
 * measured on the same device in the same run. Decoding is greedy, on the device where the model
 * {@linkplain DeviceModel#sampling() samples there} (only token ids cross to the host, as in
 * serving), else on the host from the logits of {@link DeviceModel#decode}.
 *
 * <pre>
 * warm-up: one prefill, and WARMUP_STEPS decode steps of one sequence (the JIT compiles the
 *          host side of a step before anything is timed)
 * prefill: `prefillTokens` random tokens in one sequence, timed
 * decode:  per batch size B, B sequences prefilled with `isl` random tokens (timed), one untimed
 *          step (captures the step), then `osl` timed steps
 * roofline(B) = B × bandwidth ÷ (weight bytes per step + B × bytes per sequence), where a
 *               sequence's bytes are its KV cache (read) and its fp32 SSM state and conv window
 *               (read and written back every step)
 * end-to-end output tokens/s = B × osl ÷ (prefill of the B prompts + the osl timed steps), the
 *               figure `generate` timings such as HF transformers' report
 * </pre>
 */
public final class DeviceBench {
    /** Untimed decode steps before the first measurement; sequences must have room for them. */
    public static final int WARMUP_STEPS = 200;

    private DeviceBench() {
    }

    /** The sequence length a model needs for a run with these sizes. */
    public static int sequenceLength(int prefillTokens, int isl, int osl) {
        return Math.max(prefillTokens, Math.max(isl, 1) + Math.max(osl, WARMUP_STEPS) + 2);
    }

    /**
     * @param config     the model's config (for the cache sizes of the roofline)
     * @param cacheType  the dtype the device keeps KV caches and conv windows in (its compute type)
     */
    public static DeviceBenchResult run(DeviceModel model, NemotronHConfig config, DType cacheType, int prefillTokens,
                                        int isl, int osl, List<Integer> batches, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int vocab = model.vocabSize();
        double bandwidth = model.memoryBandwidth();
        try (DeviceSequence warm = model.newSequence()) {
            model.prefill(warm, randomIds(rnd, vocab, Math.max(1, Math.min(prefillTokens, 512))));
        }
        try (DeviceSequence warm = model.newSequence()) {
            model.prefill(warm, randomIds(rnd, vocab, Math.max(isl, 1)));
            int[] token = {0};
            for (int step = 0; step < WARMUP_STEPS; step++) {
                token = greedy(model, List.of(warm), token);
            }
        }
        double prefillRate = Double.NaN;  // --prefill 0: not measured
        if (prefillTokens > 0) {
            try (DeviceSequence seq = model.newSequence()) {
                int[] ids = randomIds(rnd, vocab, prefillTokens);
                long t0 = System.nanoTime();
                model.prefill(seq, ids);
                prefillRate = prefillTokens / ((System.nanoTime() - t0) / 1e9);
            }
        }
        long embedding = config.tieWordEmbeddings() ? 0 : (long) config.vocabSize() * config.hiddenSize() * cacheType.byteSize();
        long weightsPerStep = Math.max(0, model.weightBytes() - embedding);
        long perSequence = stateBytes(config, isl + osl / 2, cacheType);
        List<DeviceBenchResult.Point> points = new ArrayList<>();
        for (int batch : batches) {
            points.add(decode(model, rnd, batch, isl, osl, weightsPerStep, perSequence, bandwidth));
        }
        return new DeviceBenchResult(model.weightBytes(), weightsPerStep, bandwidth, prefillTokens,
                prefillRate, isl, osl, points);
    }

    private static DeviceBenchResult.Point decode(DeviceModel model, SplittableRandom rnd, int batch, int isl, int osl,
                                                  long weightsPerStep, long perSequence, double bandwidth) {
        int vocab = model.vocabSize();
        List<DeviceSequence> seqs = new ArrayList<>(batch);
        try {
            int[] tokens = new int[batch];
            long p0 = System.nanoTime();
            for (int b = 0; b < batch; b++) {
                DeviceSequence s = model.newSequence();
                seqs.add(s);
                int[] prompt = randomIds(rnd, vocab, isl);
                model.prefill(s, prompt);
                tokens[b] = rnd.nextInt(vocab);
            }
            double prefillSeconds = (System.nanoTime() - p0) / 1e9;
            tokens = greedy(model, seqs, tokens); // warm-up: graph capture
            long t0 = System.nanoTime();
            for (int step = 0; step < osl; step++) {
                tokens = greedy(model, seqs, tokens);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long bytesPerStep = weightsPerStep + batch * perSequence;
            return new DeviceBenchResult.Point(batch, (double) batch * osl / seconds, 1000 * seconds / osl, bytesPerStep,
                    batch * bandwidth / bytesPerStep, (double) batch * osl / (prefillSeconds + seconds));
        } finally {
            seqs.forEach(DeviceSequence::close);
        }
    }

    /** One greedy decode step: sampled on the device when the model can, else the argmax of each row of logits. */
    static int[] greedy(DeviceModel model, List<DeviceSequence> seqs, int[] tokens) {
        Optional<OnDeviceSampling> sampling = model.sampling();
        if (sampling.isPresent()) {
            return sampling.get().decodeSampled(seqs, tokens, 0f, 1f, 0);
        }
        float[] logits = model.decode(seqs, tokens);
        int vocab = model.vocabSize();
        int[] next = new int[seqs.size()];
        for (int r = 0; r < next.length; r++) {
            next[r] = Sampler.argmax(Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab));
        }
        return next;
    }

    /**
     * Bytes one decode step moves for one sequence at {@code context} tokens: its KV cache (in
     * {@code cacheType}, read) plus its SSM state and conv window (fp32 on the device, read and
     * written).
     */
    static long stateBytes(NemotronHConfig config, long context, DType cacheType) {
        CacheFootprint kv = footprint(config, context, cacheType);
        CacheFootprint recurrent = footprint(config, context, DType.F32);
        return kv.kvCacheBytes() + 2 * (recurrent.ssmStateBytes() + recurrent.convStateBytes());
    }

    private static CacheFootprint footprint(NemotronHConfig config, long context, DType type) {
        MixerRegistry registry = MixerRegistry.discover();
        CacheFootprint total = CacheFootprint.NONE;
        for (int i = 0; i < config.numLayers(); i++) {
            char symbol = config.symbol(i);
            total = total.plus(registry.bySymbol(symbol).orElseThrow()
                    .cacheFootprint(new LayerContext(i, symbol, config.view()), context, 1, type));
        }
        return total;
    }

    private static int[] randomIds(SplittableRandom rnd, int vocab, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(vocab);
        }
        return ids;
    }
}
