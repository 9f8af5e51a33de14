package dev.nemotron.infer.bench;

import java.util.List;

/**
 * What {@link DeviceBench} measured on a device model.
 *
 * @param weightBytes              device bytes of the weights
 * @param weightBytesPerStep       weight bytes one decode step reads: all but the embedding
 *                                 table (one row of it), or all when embeddings are tied
 * @param bandwidthBytesPerSecond  the device's measured memory bandwidth (read + written)
 * @param prefillTokens            tokens of the timed prefill (one sequence, one call)
 * @param prefillTokensPerSecond   its speed (NaN when prefillTokens is 0: not measured)
 * @param decode                   one point per batch size
 */
public record DeviceBenchResult(long weightBytes, long weightBytesPerStep, double bandwidthBytesPerSecond,
                                int prefillTokens, double prefillTokensPerSecond, int inputTokens, int outputTokens,
                                List<Point> decode) {
    public DeviceBenchResult {
        decode = List.copyOf(decode);
    }

    /**
     * Decode at one batch size.
     *
     * @param bytesPerStep            weights once + every sequence's KV cache (at the mean context
     *                                of the run), SSM and conv state
     * @param rooflineTokensPerSecond batch × bandwidth ÷ bytesPerStep
     * @param endToEndOutputTokensPerSecond batch × osl ÷ (the prompts' prefill + the timed steps)
     */
    public record Point(int batch, double decodeTokensPerSecond, double decodeStepMillis, long bytesPerStep,
                        double rooflineTokensPerSecond, double endToEndOutputTokensPerSecond) {
        /** Decode speed as a fraction of the roofline. */
        public double rooflineFraction() {
            return decodeTokensPerSecond / rooflineTokensPerSecond;
        }
    }
}
