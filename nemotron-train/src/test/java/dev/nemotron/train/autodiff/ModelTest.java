package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.model.NamedParameter;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.mamba.SelectiveScan;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole model: its float64 forward equals nemotron-arch's {@link HybridModel} (java-reference
 * backend) on the HF fixture and on random configs, and finite differences confirm the gradient of
 * the loss with respect to every parameter tensor.
 */
class ModelTest {
    static final Path FIXTURE = dev.nemotron.testing.Fixtures.dir("tiny-nemotron-h-a").toAbsolutePath();

    /** One SSM group, chunk 3, every bias on (attention biases too), 2 KV heads of 5, conv kernel 3. */
    static final String SMALL = """
            {"vocab_size": 53, "hidden_size": 12, "hybrid_override_pattern": "M*-M-*M",
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 5, "intermediate_size": 20,
             "mamba_num_heads": 4, "mamba_head_dim": 3, "n_groups": 1, "ssm_state_size": 4, "conv_kernel": 3,
             "chunk_size": 3, "layer_norm_epsilon": 1e-5, "initializer_range": 0.3, "use_bias": true,
             "mlp_bias": true, "attention_bias": true, "use_conv_bias": true, "tie_word_embeddings": false}""";

    /** Tied embeddings, dt clamped by time_step_limit, chunk longer than the sequence. */
    static final String TIED_CLAMPED = """
            {"vocab_size": 41, "hidden_size": 10, "layers_block_type": ["mamba", "mlp", "mamba", "attention"],
             "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 14,
             "mamba_num_heads": 6, "mamba_head_dim": 2, "n_groups": 3, "ssm_state_size": 3, "conv_kernel": 4,
             "chunk_size": 128, "layer_norm_epsilon": 1e-6, "initializer_range": 0.3,
             "time_step_limit": [0.004, 0.05], "tie_word_embeddings": true}""";

    /** A model directory: config.json and random F32 weights, biases random (optional ones added). */
    static Path writeModel(String config, Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config);
        MixerRegistry registry = MixerRegistry.discover();
        ModelGraph graph = ModelGraph.of(new ConfigParser(registry).parse(dir), registry);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> w = new LinkedHashMap<>(RandomWeights.generate(graph, seed, DType.F32, arena));
            for (NamedParameter p : graph.parameters()) {
                if (p.spec().optional() && config.contains("\"attention_bias\": true")) {
                    w.put(p.name(), RandomWeights.store(new float[(int) p.numel()], p.spec().shape(), DType.F32, arena));
                }
            }
            w.replaceAll((name, t) -> {
                if (!name.endsWith(".bias") || name.endsWith("conv1d.bias")) {
                    return t;
                }
                float[] v = new float[(int) t.numel()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextDouble() - 0.5) * 0.4f;
                }
                return RandomWeights.store(v, t.shape(), DType.F32, arena);
            });
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w);
        }
        return dir;
    }

    static int[] tokens(int n, int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(vocab);
        }
        return ids;
    }

    static double relErr(double[] out, float[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (out[i] - ref[i]) * (out[i] - ref[i]);
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    static void forwardMatchesHybridModel(Path dir) {
        TrainableModel model = TrainableModel.load(dir);
        try (Backend ref = Backends.create("java-reference"); HybridModel hybrid = HybridModel.load(dir, ref)) {
            for (int len : new int[] {1, 13, 29}) {
                int[] ids = tokens(len, hybrid.config().vocabSize(), len);
                float[] expected = hybrid.forward(ids, false).logits();
                for (SelectiveScan.Mode mode : SelectiveScan.Mode.values()) {
                    double[] logits = model.scanMode(mode).logits(ids);
                    assertThat(relErr(logits, expected)).as("%s L=%d %s logits", dir.getFileName(), len, mode)
                            .isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void fixtureForwardEqualsHybridModel() {
        forwardMatchesHybridModel(FIXTURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"small", "tied-clamped"})
    void randomConfigForwardEqualsHybridModel(String which, @TempDir Path tmp) throws IOException {
        forwardMatchesHybridModel(writeModel(which.equals("small") ? SMALL : TIED_CLAMPED, tmp.resolve(which), 7));
    }

    /**
     * Gradient check of every parameter tensor of {@code model} (up to {@code perTensor}
     * coordinates each, always including the largest gradient) for one sequence with two ignored
     * targets; returns the worst relative error.
     */
    static double checkModel(TrainableModel model, int len, int perTensor, long seed) {
        int vocab = model.graph().config().vocabSize();
        int[] ids = tokens(len, vocab, seed);
        int[] targets = tokens(len, vocab, seed + 1);
        if (len > 1) {
            targets[1] = CrossEntropy.IGNORE_INDEX;
        }
        if (len > 3) {
            targets[3] = CrossEntropy.IGNORE_INDEX;
        }
        Gradients g = model.newGradients();
        double loss = model.lossAndGradients(ids, targets, g);
        assertThat(loss).isEqualTo(model.loss(ids, targets));
        SplittableRandom rnd = new SplittableRandom(seed);
        double worst = 0;
        int checked = 0;
        for (Parameters.Param p : model.parameters().all()) {
            double[] analytic = g.get(p.name());
            // k_proj.bias never matters (softmax is shift-invariant); with one token the attention
            // weight is 1 whatever q and k are, and the state entering the scan is zero (A unused)
            boolean inert = p.name().endsWith("k_proj.bias") || len == 1 && (p.name().endsWith("A_log")
                    || p.name().contains("q_proj.") || p.name().contains("k_proj."));
            if (!inert) {
                assertThat(java.util.Arrays.stream(analytic).anyMatch(v -> v != 0)).as("%s has a gradient", p.name())
                        .isTrue();
            }
            double err = GradCheck.check(p.name(), () -> model.loss(ids, targets), p.data(), analytic,
                    GradCheck.coordinates(analytic, perTensor, rnd), true);
            if (System.getenv("GRADCHECK_VERBOSE") != null) {
                System.out.printf("%-48s rel %.2e  max|g| %.2e%n", p.name(), err,
                        java.util.Arrays.stream(analytic).map(Math::abs).max().orElse(0));
            }
            if (!inert) {
                worst = Math.max(worst, err);
            }
            checked++;
        }
        assertThat(checked).isEqualTo(model.parameters().all().size());
        assertThat(worst).as("worst relative error over the tensors").isLessThan(1e-6);
        return worst;
    }

    @Test
    void fixtureGradientsMatchFiniteDifferences() {
        TrainableModel model = TrainableModel.load(FIXTURE);
        assertThat(model.parameters().names()).containsExactlyElementsOf(
                model.graph().parameters().stream().filter(p -> !p.spec().optional()).map(NamedParameter::name).toList());
        // 13 tokens: one full chunk of 8 and a partial one
        double worst = checkModel(model, 13, 4, 1);
        System.out.printf("fixture: worst relative gradient error %.2e%n", worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHUNKED", "RECURRENT"})
    void randomModelGradientsMatchFiniteDifferences(SelectiveScan.Mode mode, @TempDir Path tmp) throws IOException {
        TrainableModel small = TrainableModel.load(writeModel(SMALL, tmp.resolve("small"), 3)).scanMode(mode);
        assertThat(small.parameters().names()).contains("backbone.layers.1.mixer.q_proj.bias",
                "backbone.layers.0.mixer.in_proj.bias", "backbone.layers.2.mixer.up_proj.bias");
        for (int len : new int[] {1, 8}) {
            System.out.printf("small %s L=%d: worst %.2e%n", mode, len, checkModel(small, len, 12, len));
        }
        TrainableModel tied = TrainableModel.load(writeModel(TIED_CLAMPED, tmp.resolve("tied"), 4)).scanMode(mode);
        assertThat(tied.parameters().names()).doesNotContain("lm_head.weight");
        System.out.printf("tied %s: worst %.2e%n", mode, checkModel(tied, 9, 12, 5));
    }

    @Test
    void gradientsAccumulateOverSequences() {
        TrainableModel model = TrainableModel.load(FIXTURE);
        int[] ids = tokens(6, 512, 1);
        int[] targets = tokens(6, 512, 2);
        Gradients once = model.newGradients();
        model.lossAndGradients(ids, targets, once);
        Gradients twice = model.newGradients();
        model.lossAndGradients(ids, targets, twice);
        model.lossAndGradients(ids, targets, twice);
        for (String name : once.names()) {
            double[] a = once.get(name);
            double[] b = twice.get(name);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).isCloseTo(2 * a[i], org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(a[i]))));
            }
        }
        twice.zero();
        assertThat(twice.globalNorm()).isZero();
        // all targets ignored: no loss, no gradient
        int[] ignored = new int[6];
        java.util.Arrays.fill(ignored, CrossEntropy.IGNORE_INDEX);
        assertThat(model.lossAndGradients(ids, ignored, twice)).isZero();
        assertThat(twice.globalNorm()).isZero();
    }

    @Test
    void parametersWriteBackAsHfSafetensors(@TempDir Path tmp) throws IOException {
        TrainableModel model = TrainableModel.load(FIXTURE);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.copy(FIXTURE.resolve("config.json"), out.resolve("config.json"));
        // a visible change, so that the written file is not just a copy
        model.parameters().get("backbone.layers.1.mixer.up_proj.weight")[5] += 0.25;
        SafetensorsWriter.write(out.resolve("model.safetensors"), model.parameters().toTensors());
        int[] ids = tokens(11, 512, 9);
        try (Backend ref = Backends.create("java-reference"); HybridModel hybrid = HybridModel.load(out, ref)) {
            assertThat(relErr(model.logits(ids), hybrid.forward(ids, false).logits())).isLessThan(1e-5);
        }
        Parameters back = Parameters.load(model.graph(), out);
        assertThat(back.names()).containsExactlyElementsOf(model.parameters().names());
        assertThat(back.get("backbone.layers.1.mixer.up_proj.weight")[5])
                .isEqualTo((double) (float) model.parameters().get("backbone.layers.1.mixer.up_proj.weight")[5]);
    }
}
