package dev.nemotron.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The float64 FMA peak of one core through the Vector API (the roofline of the single-threaded
 * training GEMM): as {@link FmaPeakBenchmark} but with {@code DoubleVector} and one thread,
 * 12 independent accumulators {@code a_i = m * c + a_i}. Score is calls per second; one call is
 * {@link #FLOPS_PER_OP} floating-point operations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Fma64PeakBenchmark {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Loop trips per call. */
    public static final int ITERATIONS = 1 << 16;
    /** Independent accumulators. */
    public static final int ACCUMULATORS = 12;
    /** float64 lanes of the preferred vector. */
    public static final int LANES = S.length();
    /** 2 flops per lane per FMA. */
    public static final double FLOPS_PER_OP = 2.0 * LANES * ACCUMULATORS * ITERATIONS;

    public double m = 0.9999;
    public double c = 1e-9;

    @Benchmark
    public double fma() {
        DoubleVector vm = DoubleVector.broadcast(S, m);
        DoubleVector vc = DoubleVector.broadcast(S, c);
        DoubleVector a0 = DoubleVector.broadcast(S, 0.1), a1 = DoubleVector.broadcast(S, 0.2);
        DoubleVector a2 = DoubleVector.broadcast(S, 0.3), a3 = DoubleVector.broadcast(S, 0.4);
        DoubleVector a4 = DoubleVector.broadcast(S, 0.5), a5 = DoubleVector.broadcast(S, 0.6);
        DoubleVector a6 = DoubleVector.broadcast(S, 0.7), a7 = DoubleVector.broadcast(S, 0.8);
        DoubleVector a8 = DoubleVector.broadcast(S, 0.9), a9 = DoubleVector.broadcast(S, 1.0);
        DoubleVector a10 = DoubleVector.broadcast(S, 1.1), a11 = DoubleVector.broadcast(S, 1.2);
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = vm.fma(vc, a0);
            a1 = vm.fma(vc, a1);
            a2 = vm.fma(vc, a2);
            a3 = vm.fma(vc, a3);
            a4 = vm.fma(vc, a4);
            a5 = vm.fma(vc, a5);
            a6 = vm.fma(vc, a6);
            a7 = vm.fma(vc, a7);
            a8 = vm.fma(vc, a8);
            a9 = vm.fma(vc, a9);
            a10 = vm.fma(vc, a10);
            a11 = vm.fma(vc, a11);
        }
        DoubleVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5)
                .add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return s.reduceLanes(VectorOperators.ADD);
    }
}
