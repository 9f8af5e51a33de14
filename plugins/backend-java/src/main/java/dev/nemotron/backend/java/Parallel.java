package dev.nemotron.backend.java;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits index ranges over a fork/join pool of one worker per core. Kernels call
 * {@link #forRange} with a grain: the smallest range worth a task of its own.
 */
public final class Parallel implements AutoCloseable {
    /** The body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private final ForkJoinPool pool;
    private final int threads;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** One worker per available processor. */
    public static Parallel perCore() {
        return new Parallel(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} over {@code [from, to)} in ranges of at least {@code grain} indices. */
    public void forRange(int from, int to, int grain, RangeBody body) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        if (pool == null || n <= g || ForkJoinTask.getPool() == pool) {
            body.run(from, to);
            return;
        }
        // At most ~4 tasks per worker: enough to balance, few enough to stay cheap.
        int target = Math.max(g, (n + threads * 4 - 1) / (threads * 4));
        pool.invoke(new Split(from, to, target, body));
    }

    private static final class Split extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final int from;
        private final int to;
        private final int grain;
        private final transient RangeBody body;

        Split(int from, int to, int grain, RangeBody body) {
            this.from = from;
            this.to = to;
            this.grain = grain;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (to - from <= grain) {
                body.run(from, to);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Split(from, mid, grain, body), new Split(mid, to, grain, body));
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
