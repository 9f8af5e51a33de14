package dev.nemotron.arch.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.testing.Fixtures;
import dev.nemotron.arch.testing.Numerics;
import dev.nemotron.arch.testing.PatternSpelling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The forward pass against golden logits and hidden states produced by HF transformers' NemotronH
 * (see nemotron-testing/src/main/resources/fixtures/NOTICE.md): relative error at most 1e-4, for the F32 and the
 * BF16 checkpoint, both config spellings, the fast backend and the scalar reference backend.
 */
class GoldenForwardTest {
    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> models() {
        return Stream.of("java", "java-reference").flatMap(backend -> Stream.of(
                Arguments.of("tiny-nemotron-h-a", backend, false),
                Arguments.of("tiny-nemotron-h-a-bf16", backend, false),
                Arguments.of("tiny-nemotron-h-a", backend, true)));
    }

    @ParameterizedTest(name = "{0} on {1}, pattern spelling {2}")
    @MethodSource("models")
    void logitsAndHiddenStatesMatchHfTransformers(String fixture, String backendName, boolean patternSpelling,
                                                  @TempDir Path tmp) throws Exception {
        Path dir = Fixtures.dir(fixture);
        if (patternSpelling) {
            ObjectMapper json = new ObjectMapper();
            ObjectNode cfg = (ObjectNode) json.readTree(Files.readString(dir.resolve("config.json")));
            dir = Fixtures.withConfig(dir, tmp.resolve("m"), PatternSpelling.of(cfg).toString());
        }
        Path golden = Fixtures.dir(fixture).resolve("golden.safetensors");
        try (Backend backend = Backends.create(backendName);
             HybridModel model = HybridModel.load(dir, backend);
             SafetensorsFile g = SafetensorsFile.open(golden)) {
            int cases = 0;
            for (int c = 0; g.find("case" + c + ".input_ids").isPresent(); c++, cases++) {
                Tensor idsTensor = g.tensor("case" + c + ".input_ids");
                int[] ids = new int[(int) idsTensor.numel()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = Math.toIntExact(idsTensor.getLong(i));
                }
                ForwardResult r = model.forward(ids, true);
                double logitErr = Numerics.relativeError(r.logits(), g.tensor("case" + c + ".logits").toFloatArray());
                assertThat(logitErr).as("case %d (L=%d) logits", c, ids.length).isLessThanOrEqualTo(TOLERANCE);
                int hiddenCount = 0;
                for (int j = 0; g.find("case" + c + ".hidden." + j).isPresent(); j++, hiddenCount++) {
                    double err = Numerics.relativeError(r.hidden().get(j), g.tensor("case" + c + ".hidden." + j).toFloatArray());
                    assertThat(err).as("case %d hidden.%d", c, j).isLessThanOrEqualTo(TOLERANCE);
                }
                if (hiddenCount > 0) {
                    assertThat(r.hidden()).hasSize(hiddenCount);
                }
            }
            assertThat(cases).as("golden cases").isEqualTo(3);
        }
    }
}
