package dev.nemotron.bench;

import dev.nemotron.train.gemm.Gemm;
import dev.nemotron.train.gemm.ReferenceGemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The training engine's float64 GEMM, {@code C [m,n] = A [m,k] · B [n,k]ᵀ} on one thread:
 * {@code fast} is nemotron-train's vectorised {@link Gemm} (as every linear layer runs), {@code
 * reference} the scalar triple loop ({@link ReferenceGemm}). The default shape is tiny-hybrid's
 * Mamba in_proj forward at 256 tokens (m = tokens, n = 648 outputs, k = 128 inputs). Score is
 * calls per second; one call is {@code 2 m n k} floating-point operations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Float64GemmBenchmark {
    /** {@code m x n x k}. */
    @Param({"256x648x128"})
    public String shape;

    @Param({"fast", "reference"})
    public String impl;

    private int m;
    private int n;
    private int k;
    private double[] a;
    private double[] b;
    private double[] c;

    /** Floating-point operations of one call. */
    public static double flopsPerOp(String shape) {
        String[] p = shape.split("x");
        return 2.0 * Integer.parseInt(p[0]) * Integer.parseInt(p[1]) * Integer.parseInt(p[2]);
    }

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        SplittableRandom rnd = new SplittableRandom(42);
        a = new double[m * k];
        b = new double[n * k];
        c = new double[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble(-1, 1);
        }
    }

    @Benchmark
    public double[] gemm() {
        if (impl.equals("fast")) {
            Gemm.nt(m, n, k, a, b, null, c, false);
        } else {
            ReferenceGemm.nt(m, n, k, a, b, null, c, false);
        }
        return c;
    }
}
