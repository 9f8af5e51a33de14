package dev.nemotron.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.export.ExportRequest;
import dev.nemotron.api.export.ExportResult;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported prefill graph, run by ONNX Runtime, against HF transformers' golden logits of the
 * shared fixtures: relative error ≤ 1e-4 with f32 weights (lengths 1, 7 and 37: one token, a
 * partial chunk, several chunks), and the looser bound of rounded weights for f16/bf16 exports.
 */
class OnnxExportGoldenTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("tiny-nemotron-h-a", "f32", 1e-4),
                Arguments.of("tiny-nemotron-h-a-bf16", "f32", 1e-4),
                Arguments.of("tiny-nemotron-h-a-bf16", "bf16", 1e-4),
                Arguments.of("tiny-nemotron-h-a", "f16", 1e-2),
                Arguments.of("hf-more/biases-k3", "f32", 1e-4),
                Arguments.of("hf-more/deep-odd", "f32", 1e-4),
                Arguments.of("hf-more/g1-chunk5-kv1", "f32", 1e-4));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("fixtures")
    void prefillLogitsMatchHfTransformers(String fixture, String type, double tolerance) throws Exception {
        Path out = tmp.resolve("export");
        try (TestModels.Opened m = TestModels.open(fixture, 1, 64)) {
            ExportResult r = new OnnxExporterProvider().export(new ExportRequest(m.dir(), m.artifact(), out, type, Map.of()));
            assertThat(r.files()).allMatch(Files::isRegularFile);
            try (SafetensorsFile g = SafetensorsFile.open(m.dir().resolve("golden.safetensors"))) {
                int cases = 0;
                for (int c = 0; g.find("case" + c + ".input_ids").isPresent(); c++, cases++) {
                    int[] ids = TestModels.ints(g.tensor("case" + c + ".input_ids"));
                    float[] logits = TestModels.prefillLogits(out, ids);
                    double err = TestModels.relativeError(logits, g.tensor("case" + c + ".logits").toFloatArray());
                    assertThat(err).as("%s case %d (L=%d), %s weights", fixture, c, ids.length, type)
                            .isLessThanOrEqualTo(tolerance);
                }
                assertThat(cases).isEqualTo(3);
            }
        }
    }
}
