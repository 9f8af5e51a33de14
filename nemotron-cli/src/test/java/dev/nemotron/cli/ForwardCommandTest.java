package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardCommandTest {
    @Test
    void writesLogitsAndHiddenStatesMatchingTheGoldenCase(@TempDir Path tmp) {
        Path golden = CliRun.fixture("tiny-nemotron-h-a").resolve("golden.safetensors");
        int[] ids;
        try (SafetensorsFile g = SafetensorsFile.open(golden)) {
            Tensor t = g.tensor("case1.input_ids");
            ids = new int[(int) t.numel()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (int) t.getLong(i);
            }
        }
        StringBuilder idList = new StringBuilder();
        for (int id : ids) {
            idList.append(idList.isEmpty() ? "" : ",").append(id);
        }
        Path out = tmp.resolve("out.safetensors");
        CliRun r = CliRun.of("forward", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(), "--ids", idList.toString(),
                "--out", out.toString(), "--hidden");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"tokens\" : " + ids.length);
        try (SafetensorsFile o = SafetensorsFile.open(out); SafetensorsFile g = SafetensorsFile.open(golden)) {
            assertThat(o.tensor("logits").shape()).containsExactly(ids.length, 512);
            assertThat(relErr(o.tensor("logits").toFloatArray(), g.tensor("case1.logits").toFloatArray())).isLessThan(1e-4);
            for (int j = 0; j <= 10; j++) {
                assertThat(relErr(o.tensor("hidden." + j).toFloatArray(), g.tensor("case1.hidden." + j).toFloatArray()))
                        .as("hidden.%d", j).isLessThan(1e-4);
            }
            assertThat(o.find("hidden.11")).isEmpty();
        }
    }

    private static double relErr(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
