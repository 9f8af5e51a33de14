package dev.nemotron.train.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.distributed.Rendezvous;
import dev.nemotron.api.distributed.TcpProcessGroup;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.trainer.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel pretraining (docs/distributed.md) with the ranks as threads of this JVM, each its own
 * {@link PretrainJob} over a loopback {@link TcpProcessGroup}: N ranks x B/N rows follow the curve of
 * one rank x B rows (float64: to summation-order rounding), write the single-rank checkpoint format,
 * and resume on another number of ranks.
 */
class DataParallelPretrainTest {
    private static final double TOL = 1e-11;

    /** Runs {@code spec} on {@code n} ranks (threads); returns rank 0's metrics.jsonl lines. */
    static List<JsonNode> runRanks(Path tmp, ObjectNode spec, int n) throws Exception {
        Path rv = Files.createTempFile(tmp, "rendezvous", "");
        Files.delete(rv);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                ObjectNode mine = spec.deepCopy();
                fs.add(pool.submit(() -> {
                    try (ProcessGroup g = TcpProcessGroup.join(new Rendezvous(rank, n, rv, Duration.ofSeconds(60)))) {
                        new PretrainJob(PretrainSpec.parse(mine, "test", null)).dataParallel(g).run(m -> { });
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return metrics(Path.of(spec.get("out").asText()));
    }

    static List<JsonNode> runSingle(ObjectNode spec) throws Exception {
        new PretrainJob(PretrainSpec.parse(spec, "test", null)).run(m -> { });
        return metrics(Path.of(spec.get("out").asText()));
    }

    static List<JsonNode> metrics(Path out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            lines.add(PretrainJobTest.JSON.readTree(l));
        }
        return lines;
    }

    static ObjectNode spec(Path tmp, String out, int batch) throws Exception {
        ObjectNode n = PretrainJobTest.spec(tmp, tmp.resolve(out), 6);
        n.put("batch", batch);
        n.put("threads", 1);
        n.put("checkpoint_every", 3);
        n.put("eval_every", 3);
        return n;
    }

    static void assertSameCurve(List<JsonNode> got, List<JsonNode> want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            JsonNode g = got.get(i);
            JsonNode w = want.get(i);
            assertThat(g.get("step").asLong()).isEqualTo(w.get("step").asLong());
            assertThat(g.get("tokens").asLong()).isEqualTo(w.get("tokens").asLong());
            assertThat(g.get("loss").asDouble()).as("loss at step %d", w.get("step").asLong())
                    .isCloseTo(w.get("loss").asDouble(), offset(TOL));
            assertThat(g.get("grad_norm").asDouble()).isCloseTo(w.get("grad_norm").asDouble(), offset(TOL));
            assertThat(g.has("eval_loss")).isEqualTo(w.has("eval_loss"));
            if (w.has("eval_loss")) {
                assertThat(g.get("eval_loss").asDouble()).isCloseTo(w.get("eval_loss").asDouble(), offset(TOL));
            }
        }
    }

    static void assertSameCheckpoint(Path got, Path want) throws Exception {
        try (var a = Files.list(got); var b = Files.list(want)) {
            assertThat(a.map(p -> p.getFileName().toString()).sorted().toList())
                    .isEqualTo(b.map(p -> p.getFileName().toString()).sorted().toList());
        }
        TrainingCheckpoint.Restored g = TrainingCheckpoint.read(got);
        TrainingCheckpoint.Restored w = TrainingCheckpoint.read(want);
        assertThat(g.step()).isEqualTo(w.step());
        assertThat(g.dataState()).isEqualTo(w.dataState());
        assertClose(g.parameters(), w.parameters());
        OptimizerState go = g.optimizer();
        OptimizerState wo = w.optimizer();
        assertThat(List.copyOf(go.names())).isEqualTo(List.copyOf(wo.names()));  // the whole state, in the same order
        for (String name : wo.names()) {
            double[] x = go.get(name);
            double[] y = wo.get(name);
            for (int i = 0; i < y.length; i++) {
                assertThat(x[i]).as(name).isCloseTo(y[i], offset(TOL * Math.max(1, Math.abs(y[i]))));
            }
        }
    }

    static void assertClose(Parameters got, Parameters want) {
        assertThat(got.names()).isEqualTo(want.names());
        for (Parameters.Param p : want.all()) {
            double[] x = got.get(p.name());
            for (int i = 0; i < x.length; i++) {
                assertThat(x[i]).as(p.name()).isCloseTo(p.data()[i], offset(TOL));
            }
        }
    }

    @Test
    void twoRanksOfTwoRowsFollowOneRankOfFourAndWriteItsCheckpoints(@TempDir Path tmp) throws Exception {
        List<JsonNode> one = runSingle(spec(tmp, "one", 4));
        List<JsonNode> two = runRanks(tmp, spec(tmp, "two", 4), 2);
        assertSameCurve(two, one);
        assertSameCheckpoint(tmp.resolve("two/checkpoint-3"), tmp.resolve("one/checkpoint-3"));
        assertSameCheckpoint(tmp.resolve("two/checkpoint-6"), tmp.resolve("one/checkpoint-6"));
        assertThat(Files.readString(tmp.resolve("two/latest"))).isEqualTo("checkpoint-6");
        assertThat(tmp.resolve("two/model/model.safetensors")).exists();
        assertThat(tmp.resolve("two/summary.json")).exists();
        // the loss moved: the ranks trained, not merely agreed
        assertThat(one.getLast().get("loss").asDouble()).isLessThan(one.getFirst().get("loss").asDouble());
    }

    @Test
    void aTwoRankCheckpointResumesOnOneAndOnThreeRanksOnTheSameCurve(@TempDir Path tmp) throws Exception {
        List<JsonNode> whole = runSingle(spec(tmp, "whole", 6));
        ObjectNode first = spec(tmp, "split", 6);
        first.put("stop_at", 3);
        runRanks(tmp, first, 2);
        // copy the stopped run, so both continuations start from the same checkpoint
        Path split3 = tmp.resolve("split3");
        copyTree(tmp.resolve("split"), split3);
        ObjectNode onOne = spec(tmp, "split", 6);
        onOne.put("resume", true);
        List<JsonNode> one = runSingle(onOne);
        ObjectNode onThree = spec(tmp, "split3", 6);
        onThree.put("resume", true);
        List<JsonNode> three = runRanks(tmp, onThree, 3);
        assertSameCurve(one, whole);
        assertSameCurve(three, whole);
        assertSameCheckpoint(split3.resolve("checkpoint-6"), tmp.resolve("whole/checkpoint-6"));
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
