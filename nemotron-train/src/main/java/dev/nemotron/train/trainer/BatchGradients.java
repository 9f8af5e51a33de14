package dev.nemotron.train.trainer;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.CrossEntropyLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The mean loss and mean gradients of a {@link TrainingBatch} (cross-entropy) or of any
 * {@link Loss} per sequence, data-parallel over T worker threads sharing one read-only
 * {@link TrainableModel}.
 *
 * <pre>
 * B sequences, T' = min(T, B) workers
 * 1. worker w takes the contiguous sequences [w B / T', (w+1) B / T')    (static: no work stealing)
 * 2. each worker sums loss and gradients over its sequences in increasing order into its own
 *    Gradients (worker 0 into the caller's, on the calling thread)
 * 3. reduce in worker order: grads = g_0 + g_1 + ... + g_{T'-1};  loss = l_0 + ... + l_{T'-1}
 * 4. mean: loss / B, grads * (1 / B)
 * </pre>
 * A packed row (segments) is one sequence here: its loss is its own (cross-entropy: the mean over
 * the row's counted positions), its layers keep its samples apart.
 *
 * For a given T the result is bit-identical run to run (fixed assignment, fixed reduction order);
 * different T group the sums differently, so results agree to rounding only. With T = 1 it is the
 * plain sequential sum. The workers are daemon threads that exit after a while idle. One
 * {@code compute} at a time per instance (it reuses the workers' gradient buffers).
 */
public final class BatchGradients {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final TrainableModel model;
    private final int threads;
    private final List<Gradients> workerGrads = new ArrayList<>();
    private ThreadPoolExecutor pool;

    /** @param threads worker threads (at least 1); a batch uses at most one per sequence */
    public BatchGradients(TrainableModel model, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.model = model;
        this.threads = threads;
    }

    public int threads() {
        return threads;
    }

    /** Overwrites {@code out} with the batch's mean gradients and returns its mean loss (cross-entropy). */
    public double compute(TrainingBatch batch, Gradients out) {
        return compute(batch.inputs(), batch.segments() == null ? b -> null : batch::segments,
                b -> new CrossEntropyLoss(batch.targets()[b]), out);
    }

    /**
     * Any loss, one per sequence: overwrites {@code out} with the mean over the B sequences of
     * {@code losses.get(b)}'s gradients for {@code inputs[b]}, and returns the mean loss. A loss
     * that wants another normalisation (GRPO's per-token mean over the whole batch) scales its own
     * value and gradient by B / its denominator.
     */
    public double compute(int[][] inputs, List<? extends Loss> losses, Gradients out) {
        if (losses.size() != inputs.length) {
            throw new IllegalArgumentException(inputs.length + " sequences but " + losses.size() + " losses");
        }
        return compute(inputs, b -> null, losses::get, out);
    }

    /**
     * {@link #compute(int[][], List, Gradients)} over packed rows: {@code segments.get(b)} the
     * samples of {@code inputs[b]} (null: one sample).
     */
    public double compute(int[][] inputs, List<Segments> segments, List<? extends Loss> losses, Gradients out) {
        if (losses.size() != inputs.length || segments.size() != inputs.length) {
            throw new IllegalArgumentException(inputs.length + " sequences but " + segments.size() + " segment lists and "
                    + losses.size() + " losses");
        }
        return compute(inputs, segments::get, losses::get, out);
    }

    private double compute(int[][] inputs, IntFunction<Segments> segments, IntFunction<Loss> losses, Gradients out) {
        int rows = inputs.length;
        if (rows == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        int t = Math.min(threads, rows);
        List<Future<Double>> futures = new ArrayList<>();
        for (int w = 1; w < t; w++) {
            Gradients g = workerGradients(w);
            int from = w * rows / t;
            int to = (w + 1) * rows / t;
            futures.add(pool().submit(() -> sum(inputs, segments, losses, from, to, g)));
        }
        // 1-2. worker 0 on this thread
        double loss;
        try {
            loss = sum(inputs, segments, losses, 0, rows / t, out);
        } catch (RuntimeException | Error e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        // 3. reduce in worker order
        for (int w = 1; w < t; w++) {
            loss += join(futures.get(w - 1));
            add(out, workerGradients(w));
        }
        // 4. mean
        out.scale(1.0 / rows);
        return loss / rows;
    }

    private double sum(int[][] inputs, IntFunction<Segments> segments, IntFunction<Loss> losses, int from, int to,
                       Gradients g) {
        g.zero();
        double loss = 0;
        for (int b = from; b < to; b++) {
            loss += model.lossAndGradients(inputs[b], segments.apply(b), losses.apply(b), g);
        }
        return loss;
    }

    private Gradients workerGradients(int w) {
        while (workerGrads.size() < w) {
            workerGrads.add(model.newGradients());
        }
        return workerGrads.get(w - 1);
    }

    private ThreadPoolExecutor pool() {
        if (pool == null) {
            int id = POOLS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            pool = new ThreadPoolExecutor(threads - 1, threads - 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread th = new Thread(r, "batch-gradients-" + id + "-" + n.incrementAndGet());
                        th.setDaemon(true);
                        return th;
                    });
            pool.allowCoreThreadTimeOut(true);
        }
        return pool;
    }

    private static void add(Gradients acc, Gradients g) {
        for (String name : acc.names()) {
            double[] a = acc.get(name);
            double[] b = g.get(name);
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
    }

    private static double join(Future<Double> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing batch gradients", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
