package dev.nemotron.backend.java.bench;

import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.TestData;
import dev.nemotron.backend.java.linear.VectorLinearKernels;
import dev.nemotron.backend.java.mamba.VectorMambaKernels;
import java.util.SplittableRandom;

/**
 * Quick, informal timing (not a test): chunked SSD scan vs the recurrence for one Nemotron-H
 * 9B-sized Mamba layer at L tokens, and a BF16 decode matmul. Run by hand.
 */
public final class ScanSpeedMain {
    private ScanSpeedMain() {
    }

    public static void main(String[] args) {
        int len = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        SsmShape s = new SsmShape(128, 80, 8, 128);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = TestData.randn(rnd, len * s.innerSize());
        float[] dt = TestData.uniform(rnd, len * s.heads(), 0.01, 0.5);
        float[] a = TestData.uniform(rnd, s.heads(), -2, -0.1);
        int gn = len * s.groups() * s.stateSize();
        float[] b = TestData.randn(rnd, gn);
        float[] c = TestData.randn(rnd, gn);
        float[] d = TestData.randn(rnd, s.heads());
        float[] y = new float[len * s.innerSize()];
        try (Parallel par = Parallel.perCore()) {
            VectorMambaKernels m = new VectorMambaKernels(par);
            System.out.printf("threads %d, L=%d, shape %s%n", par.threads(), len, s);
            int[] chunks = {32, 64, 128, 256};
            double[] best = new double[chunks.length + 1];
            java.util.Arrays.fill(best, Double.MAX_VALUE);
            for (int rep = 0; rep < 6; rep++) {
                for (int ci = 0; ci < chunks.length; ci++) {
                    long t0 = System.nanoTime();
                    m.chunkedScan(s, len, chunks[ci], x, dt, a, b, c, d, new float[s.stateFloats()], y);
                    best[ci] = Math.min(best[ci], (System.nanoTime() - t0) / 1e6);
                }
                long t0 = System.nanoTime();
                m.recurrentScan(s, len, x, dt, a, b, c, d, new float[s.stateFloats()], y);
                best[chunks.length] = Math.min(best[chunks.length], (System.nanoTime() - t0) / 1e6);
            }
            for (int ci = 0; ci < chunks.length; ci++) {
                System.out.printf("chunked Q=%-3d best %8.1f ms%n", chunks[ci], best[ci]);
            }
            System.out.printf("recurrent     best %8.1f ms%n", best[chunks.length]);
            int in = 4480;
            int out = 4480;
            Tensor w = TestData.tensor(TestData.randn(rnd, in * out), DType.BF16, out, in);
            float[] xv = TestData.randn(rnd, in);
            float[] o = new float[out];
            VectorLinearKernels lin = new VectorLinearKernels(par);
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                lin.matmul(xv, 1, w, null, o);
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("matmul 1x%dx%d BF16 %6.2f ms (%.1f GFLOP/s)%n", in, out, ms,
                        2.0 * in * out / ms / 1e6);
            }
            int rows = 64;
            float[] xr = TestData.randn(rnd, rows * in);
            float[] or = new float[rows * out];
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                lin.matmul(xr, rows, w, null, or);
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("matmul %dx%dx%d BF16 %6.1f ms (%.1f GFLOP/s)%n", rows, in, out, ms,
                        2.0 * rows * in * out / ms / 1e6);
            }
        }
    }
}
