package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.train.autodiff.core.Parameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint helpers every resumable job shares: save and {@code latest}, the float64 round
 * trip, a checkpoint of another model refused by name, and the JSONL logs cut after the checkpoint.
 */
class TrainingCheckpointTest {
    @TempDir
    Path tmp;

    private static Parameters params(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = Math.PI * (i + 1) / 7.0 + 1e-17 * i;
        }
        return Parameters.empty().put("a.weight", new long[] {n}, w).put("b.bias", new long[] {2}, new double[] {-0.0, Double.MIN_VALUE});
    }

    @Test
    void savedCheckpointRestoresEveryBitAndLatestNamesIt() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{}");
        Parameters p = params(5);
        OptimizerState opt = new OptimizerState(Map.of("m/a.weight", new double[] {1e-300, 2, 3, 4, 5}));
        assertThat(TrainingCheckpoint.latest(tmp)).as("no checkpoint yet").isNull();
        Path dir = TrainingCheckpoint.save(tmp, tmp.resolve("config.json"), p, opt, 7, "state-7");
        assertThat(dir).isEqualTo(tmp.resolve("checkpoint-7"));
        assertThat(TrainingCheckpoint.latest(tmp)).isEqualTo(dir);

        TrainingCheckpoint.Restored r = TrainingCheckpoint.read(dir);
        assertThat(r.step()).isEqualTo(7);
        assertThat(r.dataState()).isEqualTo("state-7");
        assertThat(r.optimizer().arrays().get("m/a.weight")).containsExactly(1e-300, 2, 3, 4, 5);
        Parameters into = params(5);
        java.util.Arrays.fill(into.get("a.weight"), 0);
        r.copyInto(into);
        for (String name : p.names()) {
            double[] want = p.get(name);
            double[] got = into.get(name);
            for (int i = 0; i < want.length; i++) {
                assertThat(Double.doubleToRawLongBits(got[i])).as(name + "[" + i + "]").isEqualTo(Double.doubleToRawLongBits(want[i]));
            }
        }
    }

    @Test
    void aCheckpointOfAnotherModelOrABadPointerIsOneError() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{}");
        Path dir = TrainingCheckpoint.save(tmp, tmp.resolve("config.json"), params(5), new OptimizerState(Map.of()), 3, "");
        TrainingCheckpoint.Restored r = TrainingCheckpoint.read(dir);
        Parameters bigger = params(6);
        assertThatThrownBy(() -> r.copyInto(bigger)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("parameter 'a.weight' (5 values) has 6 values in the model: it is of another model");
        assertThat(bigger.get("a.weight")[0]).as("nothing copied").isEqualTo(params(6).get("a.weight")[0]);
        Parameters other = Parameters.empty().put("c", new long[] {1}, new double[1]);
        assertThatThrownBy(() -> r.copyInto(other)).hasMessageContaining("the checkpoint holds no parameter 'c'");

        Files.writeString(tmp.resolve("latest"), "../elsewhere");
        assertThatThrownBy(() -> TrainingCheckpoint.latest(tmp)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("names checkpoint '../elsewhere', which is not a directory in");
        Files.writeString(tmp.resolve("latest"), "checkpoint-4");
        assertThatThrownBy(() -> TrainingCheckpoint.latest(tmp)).hasMessageContaining("names checkpoint 'checkpoint-4'");
        Files.writeString(dir.resolve("trainer.json"), "[1, 2]");
        assertThatThrownBy(() -> TrainingCheckpoint.read(dir)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("not a checkpoint's trainer.json (expected {\"step\": N");
    }

    @Test
    void logsKeepTheLinesUpToTheCheckpointAndDropACutLine() throws Exception {
        Path log = tmp.resolve("metrics.jsonl");
        Files.writeString(log, "{\"step\":1,\"loss\":3}\n{\"step\":2,\"loss\":2}\n{\"step\":3,\"loss\":1}\n{\"step\":4,\"lo");
        MetricsLog.keepThrough(log, 2);
        assertThat(Files.readAllLines(log)).containsExactly("{\"step\":1,\"loss\":3}", "{\"step\":2,\"loss\":2}");
        MetricsLog.keepThrough(tmp.resolve("absent.jsonl"), 2);
        assertThat(tmp.resolve("absent.jsonl")).doesNotExist();
    }
}
