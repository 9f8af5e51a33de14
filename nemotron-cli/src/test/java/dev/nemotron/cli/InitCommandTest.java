package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
    @Test
    void initialisedModelLoadsAndRuns(@TempDir Path tmp) {
        Path dir = tmp.resolve("m");
        CliRun init = CliRun.of("init", "--config", CliRun.fixture("tiny-nemotron-h-a").resolve("config.json").toString(),
                "--out", dir.toString(), "--seed", "7", "--dtype", "BF16");
        assertThat(init.exitCode()).as(init.err()).isZero();
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertThat(c.dtypes()).containsOnlyKeys(DType.BF16);
            assertThat(c.require("backbone.layers.0.mixer.A_log").getFloat(1)).isEqualTo((float) Math.log(2), org.assertj.core.data.Offset.offset(1e-2f));
        }
        CliRun fwd = CliRun.of("forward", "--model", dir.toString(), "--ids", "1,2,3,4,5,6,7,8,9", "--out", tmp.resolve("o.st").toString());
        assertThat(fwd.exitCode()).as(fwd.err()).isZero();
        CliRun again = CliRun.of("init", "--config", dir.resolve("config.json").toString(), "--out", dir.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a model");
    }
}
