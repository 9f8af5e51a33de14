package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.infer.engine.DeviceModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron quantize --fp8}: the checkpoint it writes runs through the other commands; bad uses fail with one line. */
class QuantizeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesAnFp8CheckpointThatForwardRuns() throws Exception {
        Path out = tmp.resolve("fp8");
        CliRun r = CliRun.of("quantize", "--fp8", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"format\" : \"fp8-block\"").contains("\"quantized\" : 24");
        assertThat(Files.readString(out.resolve("config.json"))).contains("\"quant_method\" : \"fp8\"");
        try (Checkpoint c = Checkpoint.open(out)) {
            assertThat(c.require("backbone.layers.0.mixer.in_proj.weight").dtype()).isEqualTo(DType.F8_E4M3);
            assertThat(c.require("backbone.layers.0.mixer.in_proj.weight_scale_inv").shape()).containsExactly(3, 1);
        }
        CliRun f = CliRun.of("forward", "--backend", "java", "--model", out.toString(), "--ids", "1,5,9,3",
                "--out", tmp.resolve("logits.safetensors").toString());
        assertThat(f.exitCode()).as(f.err()).isZero();

        Path channel = tmp.resolve("fp8-channel");
        CliRun c = CliRun.of("quantize", "--fp8", "--block", "channel", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(),
                "--out", channel.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out()).contains("\"format\" : \"fp8-channel\"");

        // again on the FP8 checkpoint: one error line
        CliRun again = CliRun.of("quantize", "--fp8", "--model", out.toString(), "--out", tmp.resolve("again").toString());
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err().strip()).startsWith("error:").contains("FP8 checkpoint already").doesNotContain("\n");
        // exporting it: one error line
        CliRun export = CliRun.of("export", "gguf", "--model", out.toString(), "--out", tmp.resolve("m.gguf").toString());
        assertThat(export.exitCode()).isNotZero();
        assertThat(export.err().strip()).startsWith("error:").contains("is an FP8 checkpoint").doesNotContain("\n");
    }

    /** A device opening an FP8 checkpoint computes in BF16 and keeps the KV pool it was asked for. */
    @Test
    void anFp8CheckpointKeepsTheDeviceSizesItWasOpenedWith() {
        Path out = tmp.resolve("fp8");
        CliRun r = CliRun.of("quantize", "--fp8", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        ModelDirectory dir = ModelDirectory.open(out);
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            DeviceModelSpec spec = DeviceModels.artifact(dir, ckpt, new DeviceModels.Options(3, 96, 32, null, 160)).spec();
            assertThat(spec.computeType()).isEqualTo(DType.BF16);
            assertThat(spec.kvCacheTokens()).isEqualTo(160);
            assertThat(spec.maxSequences()).isEqualTo(3);
            assertThat(spec.maxSequenceLength()).isEqualTo(96);
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRun r = CliRun.of("quantize", "--fp8", "--block", "64", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(),
                "--out", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--block must be 128 or channel, got '64'");
        CliRun noFp8 = CliRun.of("quantize", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(), "--out", tmp.resolve("y").toString());
        assertThat(noFp8.exitCode()).isNotZero();
        assertThat(noFp8.err()).contains("--fp8");
    }
}
