package dev.nemotron.infer.bench;

import java.util.stream.IntStream;

/**
 * The machine's sustainable memory read bandwidth, measured like STREAM's "sum" kernel: all cores
 * summing disjoint slices of an array far larger than the caches. It is the roofline of decoding,
 * which must read every weight once per step.
 */
public final class MemoryBandwidth {
    private static volatile long blackhole;

    private MemoryBandwidth() {
    }

    /**
     * Best of {@code repeats} passes over {@code bytes} bytes (at least 64 MiB), in bytes/s.
     */
    public static double measure(long bytes, int repeats) {
        int n = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(bytes, 64L << 20) / 8);
        long[] data = new long[n];
        IntStream.range(0, n).parallel().forEach(i -> data[i] = i);
        int threads = Runtime.getRuntime().availableProcessors();
        double best = 0;
        long sink = 0;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            sink += IntStream.range(0, threads).parallel().mapToLong(t -> {
                int from = (int) ((long) n * t / threads);
                int to = (int) ((long) n * (t + 1) / threads);
                long s0 = 0;
                long s1 = 0;
                long s2 = 0;
                long s3 = 0;
                int i = from;
                for (; i + 3 < to; i += 4) {
                    s0 += data[i];
                    s1 += data[i + 1];
                    s2 += data[i + 2];
                    s3 += data[i + 3];
                }
                for (; i < to; i++) {
                    s0 += data[i];
                }
                return s0 + s1 + s2 + s3;
            }).sum();
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 8.0 * n / seconds);
        }
        blackhole = sink; // keep the sums alive
        return best;
    }
}
