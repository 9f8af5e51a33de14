package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.dpo.DpoJob;
import dev.nemotron.align.dpo.DpoSpec;
import dev.nemotron.align.sft.SftJob;
import dev.nemotron.align.sft.SftSpec;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel SFT and DPO (docs/distributed.md) with the ranks as threads of this JVM, each its
 * own {@link SftJob} / {@link DpoJob} over a loopback {@link TcpProcessGroup}: N ranks x B/N rows
 * (packed rows of uneven segments; one sample per row; DPO pairs) follow the curve of one rank x B
 * rows (float64: to summation-order rounding), rank 0 alone writes the single-rank records and
 * checkpoints, and a 2-rank checkpoint resumes on 1 and on 3 ranks. (A SUM instead of a MEAN over the
 * ranks doubles every gradient: the grad_norm comparison fails.)
 */
class SftDataParallelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TOL = 1e-11;

    @TempDir
    Path tmp;
    Path model;

    @BeforeEach
    void tinyModel() throws Exception {
        model = TinyChatModel.create(tmp);
    }

    ObjectNode sft(String out, int batch, int steps) throws Exception {
        ObjectNode n = JSON.createObjectNode();
        n.put("init_model", model.toString());
        n.putArray("data").add(SftCommandTest.data(tmp).toString());
        n.put("steps", steps);
        n.put("seq_len", 256);
        n.put("batch", batch);
        n.put("lr", 1e-2);
        n.put("threads", 1);
        n.put("checkpoint_every", 3);
        n.put("eval_every", 3);
        n.put("eval_fraction", 0.1);
        n.put("truncate_trace", "2:4");
        n.put("out", tmp.resolve(out).toString());
        return n;
    }

    static void runSft(ObjectNode spec, ProcessGroup g) {
        new SftJob(SftSpec.parse(spec, "test", null)).dataParallel(g).run(m -> { });
    }

    /** Runs the job of {@code specOf(r)} as rank r of {@code n} (threads); fails with every failed rank's error. */
    void runRanks(int n, IntFunction<ObjectNode> specOf, boolean dpo) throws Exception {
        Path rv = Files.createTempFile(tmp, "rendezvous", "");
        Files.delete(rv);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                ObjectNode mine = specOf.apply(r);
                fs.add(pool.submit(() -> {
                    try (ProcessGroup g = TcpProcessGroup.join(new Rendezvous(rank, n, rv, Duration.ofSeconds(60)))) {
                        if (dpo) {
                            new DpoJob(DpoSpec.parse(mine, "test", null)).dataParallel(g).run(m -> { });
                        } else {
                            runSft(mine, g);
                        }
                    }
                    return null;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<?> f : fs) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failures.add(e.getCause().toString());
                }
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException(String.join(" | ", failures));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static List<JsonNode> metrics(Path out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    /** Every numeric field of every line (loss, grad_norm, eval_loss, DPO's rewards) to rounding; step and tokens exactly. */
    static void assertSameCurve(List<JsonNode> got, List<JsonNode> want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            JsonNode g = got.get(i);
            JsonNode w = want.get(i);
            assertThat(g.get("step").asLong()).isEqualTo(w.get("step").asLong());
            assertThat(g.get("tokens").asLong()).isEqualTo(w.get("tokens").asLong());
            List<String> fields = new ArrayList<>();
            w.fieldNames().forEachRemaining(fields::add);
            List<String> gotFields = new ArrayList<>();
            g.fieldNames().forEachRemaining(gotFields::add);
            assertThat(gotFields).isEqualTo(fields);
            for (String f : fields) {
                if (List.of("loss", "grad_norm", "eval_loss").contains(f) || f.contains("reward") || f.endsWith("_logp")) {
                    assertThat(g.get(f).asDouble()).as("%s at step %d", f, w.get("step").asLong())
                            .isCloseTo(w.get(f).asDouble(), offset(TOL));
                }
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
        Parameters gp = g.parameters();
        assertThat(gp.names()).isEqualTo(w.parameters().names());
        for (Parameters.Param p : w.parameters().all()) {
            double[] x = gp.get(p.name());
            for (int i = 0; i < x.length; i++) {
                assertThat(x[i]).as(p.name()).isCloseTo(p.data()[i], offset(TOL));
            }
        }
        OptimizerState go = g.optimizer();
        OptimizerState wo = w.optimizer();
        assertThat(List.copyOf(go.names())).isEqualTo(List.copyOf(wo.names()));
        for (String name : wo.names()) {
            double[] x = go.get(name);
            double[] y = wo.get(name);
            for (int i = 0; i < y.length; i++) {
                assertThat(x[i]).as(name).isCloseTo(y[i], offset(TOL * Math.max(1, Math.abs(y[i]))));
            }
        }
    }

    @Test
    void twoRanksOfPackedRowsFollowOneRankOfTheWholeBatchAndWriteItsRecords() throws Exception {
        runSft(sft("one", 4, 6), null);
        runRanks(2, r -> {
            try {
                return sft("two", 4, 6);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, false);
        List<JsonNode> one = metrics(tmp.resolve("one"));
        assertSameCurve(metrics(tmp.resolve("two")), one);  // 6 lines: rank 0 alone appended
        assertThat(one).hasSize(6);
        assertThat(one.getLast().has("eval_loss")).isTrue();
        assertSameCheckpoint(tmp.resolve("two/checkpoint-3"), tmp.resolve("one/checkpoint-3"));
        assertSameCheckpoint(tmp.resolve("two/checkpoint-6"), tmp.resolve("one/checkpoint-6"));
        // the same data report (rank 0's), for packed rows of several samples of uneven lengths
        JsonNode report = JSON.readTree(tmp.resolve("one/sft_data.json").toFile());
        assertThat(JSON.readTree(tmp.resolve("two/sft_data.json").toFile())).isEqualTo(report);
        assertThat(report.get("packed").asBoolean()).isTrue();
        assertThat(report.get("rows").asLong()).isLessThan(report.get("samples").asLong());
        assertThat(tmp.resolve("two/model/model.safetensors")).exists();
        assertThat(tmp.resolve("two/summary.json")).exists();
        assertThat(one.getLast().get("loss").asDouble()).isLessThan(one.getFirst().get("loss").asDouble());
    }

    @Test
    void oneSamplePerRowAlsoSplitsOverTheRanks() throws Exception {
        ObjectNode single = sft("one", 4, 2);
        single.put("pack", false);
        runSft(single, null);
        runRanks(2, r -> {
            try {
                ObjectNode s = sft("two", 4, 2);
                s.put("pack", false);
                return s;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, false);
        assertSameCurve(metrics(tmp.resolve("two")), metrics(tmp.resolve("one")));
        assertThat(JSON.readTree(tmp.resolve("two/sft_data.json").toFile()).get("packed").asBoolean()).isFalse();
    }

    @Test
    void aTwoRankCheckpointResumesOnOneAndOnThreeRanksOnTheSameCurve() throws Exception {
        runSft(sft("whole", 6, 6), null);
        ObjectNode first = sft("split", 6, 6);
        first.put("stop_at", 3);
        runRanks(2, r -> first.deepCopy(), false);
        Path split3 = tmp.resolve("split3");
        copyTree(tmp.resolve("split"), split3);
        ObjectNode onOne = sft("split", 6, 6);
        onOne.put("resume", true);
        runSft(onOne, null);
        ObjectNode onThree = sft("split3", 6, 6);
        onThree.put("resume", true);
        runRanks(3, r -> onThree.deepCopy(), false);
        List<JsonNode> whole = metrics(tmp.resolve("whole"));
        assertSameCurve(metrics(tmp.resolve("split")), whole);
        assertSameCurve(metrics(split3), whole);
        assertSameCheckpoint(split3.resolve("checkpoint-6"), tmp.resolve("whole/checkpoint-6"));
    }

    @Test
    void aRankThatPreparedOtherRowsFailsNamingItself() throws Exception {
        assertThatThrownBy(() -> runRanks(2, r -> {
            try {
                ObjectNode s = sft("bad", 2, 2);
                s.put("no_think_fraction", r == 0 ? 0.1 : 0.9);  // other samples on rank 1
                return s;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, false)).hasMessageContaining("rank 1 prepared other SFT rows than rank 0");
        assertThat(tmp.resolve("bad/metrics.jsonl")).doesNotExist();
    }

    @Test
    void dpoPairsSplitOverTheRanksWithTheirRewardMetricsAveraged() throws Exception {
        Path pairs = DpoCommandTest.pairs(tmp);
        IntFunction<ObjectNode> spec = r -> {
            ObjectNode n = JSON.createObjectNode();
            n.put("init_model", model.toString());
            n.putArray("data").add(pairs.toString());
            n.put("steps", 3);
            n.put("seq_len", 128);
            n.put("batch", 4);
            n.put("lr", 2e-2);
            n.put("threads", 1);
            n.put("out", tmp.resolve(r < 0 ? "one" : "two").toString());
            return n;
        };
        new DpoJob(DpoSpec.parse(spec.apply(-1), "test", null)).run(m -> { });
        runRanks(2, spec, true);
        List<JsonNode> one = metrics(tmp.resolve("one"));
        assertThat(one.getLast().has("reward_accuracy")).isTrue();
        assertSameCurve(metrics(tmp.resolve("two")), one);
        assertSameCheckpoint(tmp.resolve("two/checkpoint-3"), tmp.resolve("one/checkpoint-3"));
        assertThat(JSON.readTree(tmp.resolve("two/dpo_data.json").toFile()))
                .isEqualTo(JSON.readTree(tmp.resolve("one/dpo_data.json").toFile()));
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
