package dev.nemotron.bench;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Prefill throughput of a random ~52M-parameter hybrid model (examples/configs/bench-50m: 9 Mamba-2,
 * 2 attention, 9 MLP layers, hidden 512) on the default backend: one full forward pass over
 * {@code tokens} tokens per operation, so tokens/s = ops/s × tokens. Run from the repository root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
public class PrefillBenchmark {
    @Param({"512"})
    public int tokens;

    @Param({"F32", "BF16"})
    public String dtype;

    @Param({"examples/configs/bench-50m/config.json"})
    public String config;

    private Path dir;
    private Backend backend;
    private HybridModel model;
    private int[] ids;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("nemotron-prefill-bench");
        Files.copy(Path.of(config), dir.resolve("config.json"));
        MixerRegistry registry = MixerRegistry.discover();
        ModelGraph graph = ModelGraph.of(new ConfigParser(registry).parse(dir), registry);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> weights = RandomWeights.generate(graph, 1, DType.valueOf(dtype), arena);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), weights);
        }
        backend = Backends.createDefault();
        model = HybridModel.load(dir, backend);
        SplittableRandom rnd = new SplittableRandom(3);
        ids = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            ids[i] = rnd.nextInt(model.config().vocabSize());
        }
    }

    @Benchmark
    public float[] prefill() {
        return model.forward(ids, false).logits();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        model.close();
        backend.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
