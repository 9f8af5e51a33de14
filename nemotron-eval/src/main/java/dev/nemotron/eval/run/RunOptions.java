package dev.nemotron.eval.run;

import dev.nemotron.eval.metric.Bootstrap;

/**
 * How a run goes.
 *
 * @param concurrency        samples in flight at once ({@code >= 1}); the engine batches them,
 *                           an endpoint receives them as parallel requests
 * @param limit              evaluate only the first {@code limit} problems of each task; 0 = all
 * @param bootstrapResamples resamples for standard errors
 * @param bootstrapSeed      seed of the resampling
 */
public record RunOptions(int concurrency, int limit, int bootstrapResamples, long bootstrapSeed) {
    public RunOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
    }

    /** 8 in flight, every problem, 1000 bootstrap resamples with seed 1234. */
    public static RunOptions defaults() {
        return new RunOptions(8, 0, Bootstrap.DEFAULT_RESAMPLES, Bootstrap.DEFAULT_SEED);
    }

    public RunOptions withConcurrency(int c) {
        return new RunOptions(c, limit, bootstrapResamples, bootstrapSeed);
    }

    public RunOptions withLimit(int l) {
        return new RunOptions(concurrency, l, bootstrapResamples, bootstrapSeed);
    }
}
