package dev.nemotron.infer.bench;

/**
 * What {@link ThroughputBench} measured.
 *
 * @param prefillTokensPerSecond   prompt tokens per second over all sequences' prefills
 * @param decodeTokensPerSecond    generated tokens per second, all sequences together
 * @param decodeStepMillis         mean time of one batched decode step
 * @param bytesPerDecodeStep       bytes one decode step must read at batch 1: every weight but
 *                                 the embedding table (one row of it), plus the caches and states
 * @param bandwidthBytesPerSecond  the machine's memory read bandwidth, measured in the same run
 * @param rooflineTokensPerSecond  batch × bandwidth ÷ bytes read per step (weights read once per
 *                                 step, caches per sequence)
 * @param peakHeapAfterGcBytes     the largest heap in use right after a garbage collection during the
 *                                 run (the live objects; see {@link dev.nemotron.arch.estimate.HeapMeter})
 * @param cacheBytes               caches and states of all sequences at the end
 */
public record BenchResult(int batch, int inputTokens, int outputTokens, double prefillTokensPerSecond,
                          double decodeTokensPerSecond, double decodeStepMillis, long weightBytesPerStep,
                          long bytesPerDecodeStep, double bandwidthBytesPerSecond, double rooflineTokensPerSecond,
                          long peakHeapAfterGcBytes, long cacheBytes) {
    /** Decode speed as a fraction of the roofline. */
    public double rooflineFraction() {
        return decodeTokensPerSecond / rooflineTokensPerSecond;
    }
}
