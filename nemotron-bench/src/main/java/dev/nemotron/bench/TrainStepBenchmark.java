package dev.nemotron.bench;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.fp8.PrecisionPolicy;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.trainer.TrainingBatch;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One optimizer step's loss and gradients ({@link BatchGradients#compute}) of the quickstart model
 * (examples/configs/tiny-hybrid: d 128, 12 layers, vocab 2048, random weights) on a batch of
 * {@code batch} random sequences of {@code seqLen} tokens: the training engine's throughput
 * without the optimizer update (a few ms). Score is ms per step; training tokens/s =
 * {@code batch * seqLen / (ms / 1000)} ({@link TrainBenchReport} prints it). Run from the
 * repository root. {@code samplesPerRow} > 1 packs each row with that many equal samples
 * (docs/training.md, "Packed sequences"; the last target of each sample ignored).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
public class TrainStepBenchmark {
    /** {@code fp32}: float64 GEMMs; {@code fp8}: the Nemotron FP8 recipe (PrecisionPolicy.nemotronFp8). */
    @Param({"fp32", "fp8"})
    public String precision;

    @Param({"1", "2"})
    public int threads;

    @Param({"256"})
    public int seqLen;

    @Param({"4"})
    public int batch;

    /** 1: plain rows; k > 1: each row a packed row of k samples of seqLen / k tokens. */
    @Param({"1"})
    public int samplesPerRow;

    @Param({"examples/configs/tiny-hybrid/config.json"})
    public String config;

    private BatchGradients engine;
    private TrainingBatch data;
    private Gradients grads;

    @Setup(Level.Trial)
    public void setUp() {
        MixerRegistry registry = MixerRegistry.discover();
        ModelGraph graph = ModelGraph.of(new ConfigParser(registry).parse(Path.of(config)), registry);
        TrainableModel model = TrainableModel.random(graph, 1);
        model.precision(switch (precision) {
            case "fp32" -> PrecisionPolicy.fullPrecision();
            case "fp8" -> PrecisionPolicy.nemotronFp8();
            default -> throw new IllegalArgumentException("precision must be fp32 or fp8: " + precision);
        });
        int vocab = graph.config().vocabSize();
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] in = new int[batch][seqLen];
        int[][] tg = new int[batch][seqLen];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seqLen; t++) {
                in[b][t] = rnd.nextInt(vocab);
                tg[b][t] = rnd.nextInt(vocab);
            }
        }
        Segments[] segments = null;
        if (samplesPerRow > 1) {
            if (seqLen % samplesPerRow != 0) {
                throw new IllegalArgumentException("seqLen " + seqLen + " is not a multiple of samplesPerRow " + samplesPerRow);
            }
            int[] lengths = new int[samplesPerRow];
            java.util.Arrays.fill(lengths, seqLen / samplesPerRow);
            segments = new Segments[batch];
            java.util.Arrays.fill(segments, Segments.of(lengths));
            for (int b = 0; b < batch; b++) {
                for (int i = 1; i <= samplesPerRow; i++) {
                    tg[b][i * (seqLen / samplesPerRow) - 1] = -100;
                }
            }
        }
        data = new TrainingBatch(in, tg, segments);
        engine = new BatchGradients(model, threads);
        grads = model.newGradients();
    }

    /** Training tokens per step. */
    public static long tokensPerStep(int batch, int seqLen) {
        return (long) batch * seqLen;
    }

    @Benchmark
    public double step() {
        return engine.compute(data, grads);
    }
}
