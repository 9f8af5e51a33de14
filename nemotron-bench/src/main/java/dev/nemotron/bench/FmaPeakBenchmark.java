package dev.nemotron.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
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
 * The machine's measured fp32 FMA peak through the Vector API: 12 independent accumulators (more
 * than FMA latency x FMA ports, so the loop is throughput-bound), register-resident, one JMH
 * thread per core; each FMA is {@code a_i = m * c + a_i}. Score is calls per second summed over threads; one call is
 * {@link #FLOPS_PER_OP} floating-point operations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(Threads.MAX)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FmaPeakBenchmark {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Loop trips per call. */
    public static final int ITERATIONS = 1 << 16;
    /** Independent accumulators. */
    public static final int ACCUMULATORS = 12;
    /** fp32 lanes of the preferred vector. */
    public static final int LANES = S.length();
    /** 2 flops per lane per FMA. */
    public static final double FLOPS_PER_OP = 2.0 * LANES * ACCUMULATORS * ITERATIONS;

    // Fields, not constants, so nothing folds; a += m * c stays small over a call.
    // The accumulator is the addend (a = m * c + a), as in a GEMM micro-kernel: with the
    // accumulator as a multiplicand (a = a * m + c) C2's code runs at half the rate on Zen 3.
    public float m = 0.9999f;
    public float c = 1e-6f;

    @Benchmark
    public float fma() {
        FloatVector vm = FloatVector.broadcast(S, m);
        FloatVector vc = FloatVector.broadcast(S, c);
        FloatVector a0 = FloatVector.broadcast(S, 0.1f), a1 = FloatVector.broadcast(S, 0.2f);
        FloatVector a2 = FloatVector.broadcast(S, 0.3f), a3 = FloatVector.broadcast(S, 0.4f);
        FloatVector a4 = FloatVector.broadcast(S, 0.5f), a5 = FloatVector.broadcast(S, 0.6f);
        FloatVector a6 = FloatVector.broadcast(S, 0.7f), a7 = FloatVector.broadcast(S, 0.8f);
        FloatVector a8 = FloatVector.broadcast(S, 0.9f), a9 = FloatVector.broadcast(S, 1.0f);
        FloatVector a10 = FloatVector.broadcast(S, 1.1f), a11 = FloatVector.broadcast(S, 1.2f);
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
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5)
                .add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return s.reduceLanes(VectorOperators.ADD);
    }
}
