package dev.nemotron.arch.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.testing.Fixtures;
import dev.nemotron.arch.testing.Numerics;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shapes beyond the main fixture, each with HF's own numbers (tools/golden/make_goldens.py):
 * logits and hidden states at ≤ 1e-4, and greedy cached generation equal to HF's generate.
 */
class HfMoreModelsTest {
    static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(t.getLong(i));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"biases-k3", "deep-odd", "g1-chunk5-kv1"})
    void matchesHfTransformers(String name) {
        Path dir = Fixtures.dir("hf-more/" + name);
        try (Backend backend = Backends.create("java"); HybridModel model = HybridModel.load(dir, backend);
             SafetensorsFile g = SafetensorsFile.open(dir.resolve("golden.safetensors"))) {
            for (int c = 0; g.find("case" + c + ".input_ids").isPresent(); c++) {
                int[] ids = ints(g.tensor("case" + c + ".input_ids"));
                ForwardResult r = model.forward(ids, true);
                assertThat(Numerics.relativeError(r.logits(), g.tensor("case" + c + ".logits").toFloatArray()))
                        .as("%s case %d logits", name, c).isLessThanOrEqualTo(1e-4);
                for (int j = 0; j < r.hidden().size(); j++) {
                    assertThat(Numerics.relativeError(r.hidden().get(j), g.tensor("case" + c + ".hidden." + j).toFloatArray()))
                            .as("%s case %d hidden %d", name, c, j).isLessThanOrEqualTo(1e-4);
                }
            }
            int[] prompt = ints(g.tensor("generate.prompt_ids"));
            int[] expected = ints(g.tensor("generate.output_ids"));
            int vocab = model.config().vocabSize();
            SequenceState seq = model.newSequence();
            int[] out = Arrays.copyOf(prompt, expected.length);
            float[] logits = model.prefill(seq, prompt);
            for (int t = prompt.length; t < expected.length; t++) {
                int best = 0;
                for (int i = 1; i < vocab; i++) {
                    if (logits[i] > logits[best]) {
                        best = i;
                    }
                }
                out[t] = best;
                logits = model.decode(new SequenceState[] {seq}, new int[] {best});
            }
            assertThat(out).as("%s greedy generation", name).containsExactly(expected);
        }
    }
}
