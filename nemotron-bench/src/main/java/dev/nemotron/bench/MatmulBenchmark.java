package dev.nemotron.bench;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.linear.VectorLinearKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link VectorLinearKernels#matmul} on all cores (one benchmark thread; the kernel's own
 * fork/join pool has one worker per core).
 *
 * <p>Score is calls per second; one call is {@code 2 * rows * in * out} floating-point operations
 * ({@link #flopsPerOp}), which {@link BenchReport} turns into GFLOP/s. The weight lives in native
 * memory (as a memory-mapped checkpoint would), {@code [out, in]} row-major.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MatmulBenchmark {
    /** {@code rows x in x out}: a prefill-sized GEMM and a decode GEMV. */
    @Param({"1024x1024x1024", "1x4096x4096"})
    public String shape;

    @Param({"F32", "BF16"})
    public String dtype;

    private Parallel parallel;
    private Arena arena;
    private VectorLinearKernels kernels;
    private float[] x;
    private float[] out;
    private Tensor weight;
    private int rows;

    /** Floating-point operations of one call of shape {@code rows x in x out}. */
    public static double flopsPerOp(String shape) {
        int[] d = dims(shape);
        return 2.0 * d[0] * d[1] * d[2];
    }

    static int[] dims(String shape) {
        String[] p = shape.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    @Setup(Level.Trial)
    public void setUp() {
        int[] d = dims(shape);
        rows = d[0];
        int in = d[1];
        int outF = d[2];
        DType t = DType.valueOf(dtype);
        SplittableRandom rnd = new SplittableRandom(42);
        x = new float[rows * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        out = new float[rows * outF];
        arena = Arena.ofShared();
        long n = (long) in * outF;
        MemorySegment seg = arena.allocate(n * t.byteSize(), 64);
        for (long i = 0; i < n; i++) {
            float v = (float) rnd.nextDouble(-0.05, 0.05);
            switch (t) {
                case F32 -> seg.setAtIndex(Tensor.F32_LE, i, v);
                case BF16 -> seg.setAtIndex(Tensor.I16_LE, i, (short) (Float.floatToRawIntBits(v) >>> 16));
                case F16 -> seg.setAtIndex(Tensor.I16_LE, i, Float.floatToFloat16(v));
                default -> throw new IllegalArgumentException(dtype);
            }
        }
        weight = new Tensor(t, new long[] {outF, in}, seg);
        parallel = Parallel.perCore();
        kernels = new VectorLinearKernels(parallel);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        kernels.matmul(x, rows, weight, null, out);
        return out;
    }
}
