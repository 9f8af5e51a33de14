package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.cli.train.RankLauncher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launcher's process handling with shell scripts as ranks (fast; the JVM ranks: DataParallelLauncherIT):
 * the environment each rank gets, the output prefixes, and the supervision of a failing rank.
 */
class RankLauncherTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    void run(String script, int ranks, boolean device) {
        new RankLauncher(List.of("sh", "-c", script), ranks, device)
                .run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyRankGetsItsEnvironmentAndItsOutputIsPrefixed() {
        run("echo \"rank=$NEMOTRON_RANK of $NEMOTRON_WORLD_SIZE nvls=$NCCL_NVLS_ENABLE gpu=$CUDA_VISIBLE_DEVICES"
                + " rv=${NEMOTRON_RENDEZVOUS:+set}\"; printf 'progress\\rdone\\n' >&2", 3, true);
        String o = out();
        // rank 0's stdout is the command's result: as it is; the others' prefixed
        assertThat(o.lines().sorted().toList()).containsExactly("[rank 1] rank=1 of 3 nvls=0 gpu=1 rv=set",
                "[rank 2] rank=2 of 3 nvls=0 gpu=2 rv=set", "rank=0 of 3 nvls=0 gpu=0 rv=set");
        // stderr: every line prefixed, progress lines (ending in \r) too
        assertThat(err()).contains("[rank 0] progress\r[rank 0] done\n", "[rank 2] progress\r[rank 2] done\n");
    }

    @Test
    void hostRanksGetNoDevice() {
        run("echo \"gpu=${CUDA_VISIBLE_DEVICES-unset}\"", 2, false);
        assertThat(out()).contains("[rank 1] gpu=" + (System.getenv("CUDA_VISIBLE_DEVICES") == null ? "unset"
                : System.getenv("CUDA_VISIBLE_DEVICES")));
    }

    @Test
    void aFailingRankStopsTheOthersAndIsNamedWithItsLastError() {
        long t0 = System.nanoTime();
        // rank 1 fails; rank 0 then reports the lost peer (not the cause); rank 2 hangs until it is stopped
        String script = "case $NEMOTRON_RANK in "
                + "1) sleep 0.3; echo 'loading' >&2; echo 'error: shard 7 is corrupt: re-tokenise it' >&2; exit 3;; "
                + "0) sleep 0.6; echo 'error: rank 0 lost contact with rank 1: it closed its connection' >&2; exit 2;; "
                + "*) sleep 60;; esac";
        assertThatThrownBy(() -> run(script, 3, false)).isInstanceOf(NemotronException.class)
                .hasMessage("rank 1 of 3 failed (exit code 3): shard 7 is corrupt: re-tokenise it; the other ranks were stopped");
        assertThat((System.nanoTime() - t0) / 1e9).as("rank 2 was stopped, not waited for").isLessThan(20);
        assertThat(err()).contains("[rank 1] error: shard 7 is corrupt");
    }

    @Test
    void theIncubatorWarningOfEachRankIsDropped() {
        run("echo 'WARNING: Using incubator modules: jdk.incubator.vector' >&2; echo 'WARNING: other' >&2", 2, false);
        assertThat(err()).doesNotContain("incubator").contains("[rank 0] WARNING: other\n", "[rank 1] WARNING: other\n");
    }

    @Test
    void aCommandLineThatIsNotThisJvmsIsRefused() {
        assertThatThrownBy(() -> RankLauncher.sameJvm(List.of("pretrain", "--ranks", "2", "--not-this-jvm")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("cannot read this JVM's command line");
    }
}
