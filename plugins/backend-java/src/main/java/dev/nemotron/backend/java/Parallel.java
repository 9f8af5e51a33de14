package dev.nemotron.backend.java;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits index ranges over a team of one thread per core: the caller plus {@code threads - 1}
 * workers. Kernels call {@link #forRange} with a grain, the smallest range worth a task of its own.
 *
 * <p>Decoding calls a hundred small kernels per token, so hand-off latency matters more than
 * anything else: idle workers spin for a short while ({@value #SPIN_NANOS} ns) before parking, and
 * the caller works on the loop itself instead of waiting for a pool (a fork/join pool's park and
 * wake-up per call cost as much as the parallel speed-up gained on two cores). A loop started
 * inside another loop's body runs inline; loops from several threads take turns.
 */
public final class Parallel implements AutoCloseable {
    /** The body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    static final long SPIN_NANOS = 200_000;
    /**
     * Most chunks per thread. A thread that finishes its last chunk waits for the others' last
     * ones: with 3 chunks on 2 threads a loop took 2/3 of its serial time instead of 1/2 (batch-1
     * decode spent ~15 % of a step there). A chunk claim costs two atomic increments.
     */
    static final int CHUNKS_PER_THREAD = 8;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    /** One parallel loop: immutable bounds plus its own counters, so a late worker never touches a newer loop. */
    private static final class Job {
        final int from;
        final int to;
        final int chunkSize;
        final int chunks;
        final RangeBody body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int from, int to, int chunkSize, int chunks, RangeBody body) {
            this.from = from;
            this.to = to;
            this.chunkSize = chunkSize;
            this.chunks = chunks;
            this.body = body;
        }

        /** Takes chunks until none is left. */
        void work() {
            boolean wasInside = INSIDE.get();
            INSIDE.set(true);
            try {
                for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                    int lo = from + c * chunkSize;
                    try {
                        body.run(lo, Math.min(to, lo + chunkSize));
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        done.incrementAndGet();
                    }
                }
            } finally {
                INSIDE.set(wasInside);
            }
        }
    }

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock submit = new ReentrantLock();
    private volatile Job current;
    private volatile boolean closed;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            workers[i].thread = Thread.ofPlatform().daemon().name("nemotron-kernel-" + (i + 1)).start(workers[i]);
        }
    }

    /** One thread per available processor. */
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
        if (threads == 1 || n <= g || INSIDE.get() || closed) {
            body.run(from, to);
            return;
        }
        // at most CHUNKS_PER_THREAD chunks per thread: enough to balance, few enough to stay cheap
        int chunks = (int) Math.min((n + (long) g - 1) / g, (long) threads * CHUNKS_PER_THREAD);
        int chunkSize = (n + chunks - 1) / chunks;
        Job job = new Job(from, to, chunkSize, (n + chunkSize - 1) / chunkSize, body);
        submit.lock();
        try {
            current = job; // publishes the job
            for (Worker w : workers) {
                if (w.sleeping) {
                    LockSupport.unpark(w.thread);
                }
            }
            job.work();
            while (job.done.get() < job.chunks) {
                Thread.onSpinWait();
            }
        } finally {
            submit.unlock();
        }
        Throwable t = job.failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private final class Worker implements Runnable {
        volatile boolean sleeping;
        Thread thread;

        @Override
        public void run() {
            Job seen = current;
            while (!closed) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (current == seen && !closed) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        sleeping = true;
                        if (current == seen && !closed) {
                            LockSupport.park(this);
                        }
                        sleeping = false;
                    }
                }
                seen = current;
                if (seen != null && !closed) {
                    seen.work();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }
}
