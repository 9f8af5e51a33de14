package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixtures through the CUDA device model against HF transformers' golden data: prefill
 * logits of every case (relative error ≤ 1e-4 in F32 compute, as nemotron-arch's GoldenForwardTest;
 * ≤ 3e-2 in BF16 compute), the greedy generation of the golden {@code generate} case exactly (F32),
 * and batched decode of three sequences of different lengths equal to decoding each alone. Prompts
 * are prefilled in pieces of 16 tokens (the session's maxPrefillTokens), so case 2 also checks
 * prefill continuing a cached sequence.
 */
@Tag("gpu")
class DeviceGoldenTest {
    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("tiny-nemotron-h-a", DType.F32, 1e-4),
                Arguments.of("tiny-nemotron-h-a-bf16", DType.F32, 1e-4),
                Arguments.of("tiny-nemotron-h-a", DType.BF16, 3e-2),
                Arguments.of("tiny-nemotron-h-a-bf16", DType.BF16, 3e-2),
                Arguments.of("hf-more/biases-k3", DType.F32, 1e-4),
                Arguments.of("hf-more/deep-odd", DType.F32, 1e-4),
                Arguments.of("hf-more/g1-chunk5-kv1", DType.F32, 1e-4));
    }

    @ParameterizedTest(name = "{0}, compute {1}")
    @MethodSource("fixtures")
    void prefillLogitsMatchHfTransformers(String fixture, DType compute, double tolerance) {
        try (Backend backend = Gpu.backend();
             DeviceModel model = Gpu.load(backend, fixture, compute, 1);
             SafetensorsFile g = SafetensorsFile.open(Gpu.fixture(fixture).resolve("golden.safetensors"))) {
            int cases = 0;
            for (int c = 0; g.find("case" + c + ".input_ids").isPresent(); c++, cases++) {
                int[] ids = Gpu.ints(g.tensor("case" + c + ".input_ids"));
                try (DeviceSequence seq = model.newSequence()) {
                    float[] logits = model.prefillAll(seq, ids);
                    double err = Gpu.relativeError(logits, g.tensor("case" + c + ".logits").toFloatArray());
                    assertThat(err).as("%s case %d (L=%d) logits, compute %s", fixture, c, ids.length, compute)
                            .isLessThanOrEqualTo(tolerance);
                    assertThat(seq.length()).isEqualTo(ids.length);
                }
            }
            assertThat(cases).as("golden cases").isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("f32Fixtures")
    void greedyGenerationReproducesHfGenerateExactly(String fixture) {
        try (Backend backend = Gpu.backend();
             DeviceModel model = Gpu.load(backend, fixture, DType.F32, 2);
             SafetensorsFile g = SafetensorsFile.open(Gpu.fixture(fixture).resolve("golden.safetensors"))) {
            int[] prompt = Gpu.ints(g.tensor("generate.prompt_ids"));
            int[] expected = Gpu.ints(g.tensor("generate.output_ids"));
            int vocab = model.vocabSize();
            // host argmax of the logits
            int[] out = Arrays.copyOf(prompt, expected.length);
            try (DeviceSequence seq = model.newSequence()) {
                float[] logits = model.prefill(seq, prompt);
                for (int t = prompt.length; t < expected.length; t++) {
                    out[t] = Gpu.argmax(logits, 0, vocab);
                    logits = model.decode(List.of(seq), new int[] {out[t]});
                }
            }
            assertThat(out).as("host argmax").containsExactly(expected);
            // on-device greedy sampling
            int[] sampled = Arrays.copyOf(prompt, expected.length);
            try (DeviceSequence seq = model.newSequence()) {
                float[] logits = model.prefill(seq, prompt);
                sampled[prompt.length] = Gpu.argmax(logits, 0, vocab);
                for (int t = prompt.length + 1; t < expected.length; t++) {
                    sampled[t] = model.sampling().orElseThrow().decodeSampled(List.of(seq), new int[] {sampled[t - 1]}, 0f, 1f, 0)[0];
                }
            }
            assertThat(sampled).as("decodeSampled, temperature 0").containsExactly(expected);
        }
    }

    static Stream<String> f32Fixtures() {
        return Stream.of("tiny-nemotron-h-a", "hf-more/biases-k3", "hf-more/deep-odd", "hf-more/g1-chunk5-kv1");
    }

    @ParameterizedTest(name = "compute {0}")
    @MethodSource("computeTypes")
    void batchedDecodeEqualsDecodingAlone(DType compute) {
        double tolerance = compute == DType.F32 ? 1e-5 : 1e-2;
        try (Backend backend = Gpu.backend();
             DeviceModel model = Gpu.load(backend, "tiny-nemotron-h-a", compute, 6)) {
            int vocab = model.vocabSize();
            int[][] prompts = {{5, 6, 7}, {100, 200, 300, 400, 500, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, {42}};
            DeviceSequence[] batch = new DeviceSequence[3];
            DeviceSequence[] alone = new DeviceSequence[3];
            for (int b = 0; b < 3; b++) {
                batch[b] = model.newSequence();
                alone[b] = model.newSequence();
                model.prefill(batch[b], prompts[b]);
                model.prefill(alone[b], prompts[b]);
            }
            int[] tokens = {1, 2, 3};
            for (int step = 0; step < 6; step++) {
                float[] together = model.decode(List.of(batch), tokens);
                int[] next = new int[3];
                for (int b = 0; b < 3; b++) {
                    float[] single = model.decode(List.of(alone[b]), new int[] {tokens[b]});
                    float[] row = Arrays.copyOfRange(together, b * vocab, (b + 1) * vocab);
                    assertThat(Gpu.relativeError(row, single)).as("step %d seq %d", step, b).isLessThan(tolerance);
                    next[b] = Gpu.argmax(single, 0, vocab);
                }
                tokens = next;
            }
            assertThat(batch[1].length()).isEqualTo(prompts[1].length + 6);
            assertThat(batch[1].bytes()).isPositive();
            for (int b = 0; b < 3; b++) {
                batch[b].close();
                alone[b].close();
            }
        }
    }

    static Stream<DType> computeTypes() {
        return Stream.of(DType.F32, DType.BF16);
    }
}
