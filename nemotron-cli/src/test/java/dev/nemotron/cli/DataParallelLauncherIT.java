package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron pretrain --ranks 2} (and {@code sft}) through the real launcher: the command on the module path
 * starts two child JVMs of its own command line, which train data-parallel over loopback TCP.
 */
class DataParallelLauncherIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
    }

    static Run launch(List<String> args, String failRank) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ModulePathLauncher.command(args.toArray(String[]::new)));
        if (failRank != null) {
            pb.environment().put("NEMOTRON_TEST_FAIL_RANK", failRank);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish: " + args);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
    }

    static List<JsonNode> metrics(Path run) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    @Test
    void twoRanksTrainAsOneRankWithTheWholeBatch(@TempDir Path tmp) throws Exception {
        List<String> args = DataParallelCommandTest.args(tmp, "--steps", "3", "--batch", "4", "--threads", "1", "--json");
        Run one = launch(args, null);
        assertThat(one.code()).as(one.err()).isZero();
        List<String> two = new ArrayList<>(args);
        two.set(two.indexOf("--out") + 1, tmp.resolve("run2").toString());
        two.addAll(List.of("--ranks", "2"));
        Run r = launch(two, null);
        assertThat(r.code()).as(r.err()).isZero();
        // rank 0's result on stdout, as it is (JSON); every rank's log lines prefixed
        assertThat(JSON.readTree(r.out()).get("steps").asLong()).isEqualTo(3);
        assertThat(r.err()).contains("[rank 0] step 3/3").doesNotContain("error:", "] WARNING: Using incubator");
        List<JsonNode> want = metrics(tmp.resolve("run"));
        List<JsonNode> got = metrics(tmp.resolve("run2"));
        assertThat(got).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(got.get(i).get("loss").asDouble()).isCloseTo(want.get(i).get("loss").asDouble(), offset(1e-11));
            assertThat(got.get(i).get("tokens").asLong()).isEqualTo(want.get(i).get("tokens").asLong());
        }
        assertThat(tmp.resolve("run2/checkpoint-3/train_state.safetensors")).exists();
        assertThat(tmp.resolve("run2/model/model.safetensors")).exists();
    }

    @Test
    void sftOnTwoRanksTrainsAsOneRankWithTheWholeBatch(@TempDir Path tmp) throws Exception {
        Path model = TinyChatModel.create(tmp);
        Path data = SftCommandTest.data(tmp);
        List<String> args = new ArrayList<>(List.of("sft", "--init-model", model.toString(), "--data", data.toString(), "--steps", "3",
                "--seq-len", "256", "--batch", "4", "--lr", "1e-2", "--threads", "1", "--eval-fraction", "0.1", "--json",
                "--out", tmp.resolve("run").toString()));
        CliRun one = CliRun.of(args.toArray(String[]::new));  // the reference: one rank, in this JVM
        assertThat(one.exitCode()).as(one.err()).isZero();
        args.set(args.indexOf("--out") + 1, tmp.resolve("run2").toString());
        args.addAll(List.of("--ranks", "2"));
        Run r = launch(args, null);
        assertThat(r.code()).as(r.err()).isZero();
        // rank 0's result, with SFT's own fields, once on stdout
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("steps").asLong()).isEqualTo(3);
        assertThat(o.get("rows").asLong()).isEqualTo(JSON.readTree(one.out()).get("rows").asLong());
        assertThat(r.err()).contains("[rank 0] step 3/3").doesNotContain("error:");
        List<JsonNode> want = metrics(tmp.resolve("run"));
        List<JsonNode> got = metrics(tmp.resolve("run2"));
        assertThat(got).hasSize(3);
        for (int i = 0; i < 3; i++) {
            for (String f : List.of("loss", "grad_norm")) {
                assertThat(got.get(i).get(f).asDouble()).as(f).isCloseTo(want.get(i).get(f).asDouble(), offset(1e-11));
            }
            assertThat(got.get(i).get("tokens").asLong()).isEqualTo(want.get(i).get("tokens").asLong());
        }
        assertThat(got.getLast().get("eval_loss").asDouble()).isCloseTo(want.getLast().get("eval_loss").asDouble(), offset(1e-11));
        assertThat(Files.readString(tmp.resolve("run2/sft_data.json"))).isEqualTo(Files.readString(tmp.resolve("run/sft_data.json")));
        assertThat(tmp.resolve("run2/model/model.safetensors")).exists();
    }

    @Test
    void aRankThatDiesIsReportedInOneLineAndTheOthersAreStopped(@TempDir Path tmp) throws Exception {
        List<String> args = DataParallelCommandTest.args(tmp, "--batch", "2", "--steps", "50", "--ranks", "2");
        long t0 = System.nanoTime();
        Run r = launch(args, "1");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(errors).as(r.err()).containsExactly("error: rank 1 of 2 failed (exit code 3): rank 1 stops as"
                + " NEMOTRON_TEST_FAIL_RANK asks (a test of the launcher); the other ranks were stopped");
        assertThat(r.out()).isEmpty();
        assertThat(metrics(tmp.resolve("run")).size()).as("rank 0 was stopped long before step 50").isLessThan(50);
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(120);
    }
}
