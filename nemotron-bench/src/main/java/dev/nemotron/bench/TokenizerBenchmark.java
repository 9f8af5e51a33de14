package dev.nemotron.bench;

import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Encoding throughput of the HF {@code tokenizer.json} tokenizer, single-threaded, on a 200 KB
 * slice of Moby-Dick: MB/s = 0.2 / (ms per op / 1000). Run from the repository root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class TokenizerBenchmark {
    @Param({"nemotron-testing/src/main/resources/fixtures/qwen3-tokenizer/tokenizer.json",
        "nemotron-testing/src/main/resources/fixtures/tokenizer-bpe/tokenizer.json"})
    public String tokenizer;

    @Param({"nemotron-testing/src/main/resources/fixtures/moby-dick-200k.txt"})
    public String text;

    private Tokenizer tok;
    private String input;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        tok = Tokenizer.load(Path.of(tokenizer));
        input = Files.readString(Path.of(text), StandardCharsets.UTF_8);
    }

    @Benchmark
    public int[] encode() {
        return tok.encode(input);
    }
}
