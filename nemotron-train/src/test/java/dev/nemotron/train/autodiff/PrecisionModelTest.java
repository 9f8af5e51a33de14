package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.fp8.Precision;
import dev.nemotron.train.fp8.PrecisionPolicy;
import dev.nemotron.train.optim.AdamW;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FP8 recipe inside the model's GEMMs ({@link TrainableModel#precision}): full precision is the
 * default bit for bit, the plan is applied per linear layer, FP8 perturbs the loss a little and
 * trains about as well as float64.
 */
class PrecisionModelTest {
    /** The tiny-hybrid pattern (29 linear layers: 21 FP8, 8 BF16) at a smaller width and vocabulary. */
    static final String CONFIG = """
            {"vocab_size": 96, "hidden_size": 64, "hybrid_override_pattern": "M-M*-M-M*-M-",
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 160,
             "mamba_num_heads": 4, "mamba_head_dim": 16, "n_groups": 2, "ssm_state_size": 16, "conv_kernel": 4,
             "chunk_size": 8, "layer_norm_epsilon": 1e-5, "initializer_range": 0.02, "tie_word_embeddings": false}""";

    static ModelGraph graph(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), CONFIG);
        MixerRegistry registry = MixerRegistry.discover();
        return ModelGraph.of(new ConfigParser(registry).parse(dir), registry);
    }

    static int[][] sequence(int len, int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] tokens = new int[len + 1];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(vocab);
        }
        int[] in = new int[len];
        int[] tg = new int[len];
        System.arraycopy(tokens, 0, in, 0, len);
        System.arraycopy(tokens, 1, tg, 0, len);
        return new int[][] {in, tg};
    }

    @Test
    void fullPrecisionPolicyIsBitIdenticalToNoPolicy(@TempDir Path tmp) throws IOException {
        ModelGraph g = graph(tmp);
        int[][] s = sequence(40, 96, 1);
        TrainableModel plain = TrainableModel.random(g, 7);
        Gradients gp = plain.newGradients();
        double lp = plain.lossAndGradients(s[0], s[1], gp);
        TrainableModel full = TrainableModel.random(g, 7).precision(PrecisionPolicy.fullPrecision());
        Gradients gf = full.newGradients();
        assertThat(full.lossAndGradients(s[0], s[1], gf)).isEqualTo(lp);
        for (String name : gp.names()) {
            assertThat(gf.get(name)).as(name).containsExactly(gp.get(name));
        }
        // and back: FP8, then null, is plain float64 again
        full.precision(PrecisionPolicy.nemotronFp8()).precision(null);
        assertThat(full.loss(s[0], s[1])).isEqualTo(lp);
    }

    @Test
    void firstAndLastFourLinearLayersAreBf16AndTheRestFp8(@TempDir Path tmp) throws IOException {
        TrainableModel model = TrainableModel.random(graph(tmp), 7);
        List<String> linear = model.linearLayers();
        assertThat(linear).hasSize(29).startsWith("backbone.layers.0.mixer.in_proj.weight",
                "backbone.layers.0.mixer.out_proj.weight", "backbone.layers.1.mixer.up_proj.weight",
                "backbone.layers.1.mixer.down_proj.weight").endsWith("lm_head.weight");
        assertThat(linear).allMatch(n -> model.precisionOf(n) == Precision.FP32);
        model.precision(PrecisionPolicy.nemotronFp8());
        for (int i = 0; i < linear.size(); i++) {
            Precision expected = i < 4 || i >= linear.size() - 4 ? Precision.BF16 : Precision.FP8_E4M3;
            assertThat(model.precisionOf(linear.get(i))).as(linear.get(i)).isEqualTo(expected);
        }
        assertThat(model.precisionOf("backbone.layers.11.mixer.down_proj.weight")).isEqualTo(Precision.BF16);
        assertThat(model.precisionOf("backbone.layers.3.mixer.q_proj.weight")).isEqualTo(Precision.FP8_E4M3);
        assertThatThrownBy(() -> model.precisionOf("backbone.layers.0.mixer.A_log"))
                .isInstanceOf(NemotronException.class).hasMessageContaining("not a linear layer");
    }

    @Test
    void fp8LossIsCloseToFullPrecisionButNotEqual(@TempDir Path tmp) throws IOException {
        ModelGraph g = graph(tmp);
        int[][] s = sequence(64, 96, 2);
        TrainableModel model = TrainableModel.random(g, 11);
        Gradients g32 = model.newGradients();
        double l32 = model.lossAndGradients(s[0], s[1], g32);
        model.precision(PrecisionPolicy.nemotronFp8());
        Gradients g8 = model.newGradients();
        double l8 = model.lossAndGradients(s[0], s[1], g8);
        assertThat(l8).isNotEqualTo(l32);
        assertThat(Math.abs(l8 - l32) / l32).isLessThan(0.02);
        // the gradients too: perturbed, but pointing the same way
        double dot = 0;
        double n32 = 0;
        double n8 = 0;
        for (String name : g32.names()) {
            double[] a = g32.get(name);
            double[] b = g8.get(name);
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
                n32 += a[i] * a[i];
                n8 += b[i] * b[i];
            }
        }
        assertThat(dot / Math.sqrt(n32 * n8)).isGreaterThan(0.95).isLessThan(1.0);
    }

    /** 30 AdamW steps on one repeating sequence; returns the losses. */
    static List<Double> train(TrainableModel model, int[][] s, int steps) {
        Gradients grads = model.newGradients();
        List<Parameter> ps = new ArrayList<>();
        for (Parameters.Param p : model.parameters().all()) {
            ps.add(new Parameter(p.name(), p.data(), grads.get(p.name()), false));
        }
        ParameterGroup group = ParameterGroup.of(ps);
        AdamW adam = new AdamW(new AdamW.Hyper(0.9, 0.95, 1e-8, 0.0));
        List<Double> losses = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            grads.zero();
            losses.add(model.lossAndGradients(s[0], s[1], grads));
            adam.step(group, step, 3e-3);
        }
        return losses;
    }

    @Test
    void fp8TrainsAboutAsWellAsFullPrecision(@TempDir Path tmp) throws IOException {
        ModelGraph g = graph(tmp);
        int[][] s = sequence(48, 96, 3);
        List<Double> full = train(TrainableModel.random(g, 5), s, 30);
        List<Double> fp8 = train(TrainableModel.random(g, 5).precision(PrecisionPolicy.nemotronFp8()), s, 30);
        double drop32 = full.get(0) - full.get(29);
        double drop8 = fp8.get(0) - fp8.get(29);
        assertThat(full.get(29)).isLessThan(0.5 * full.get(0));
        assertThat(fp8.get(29)).isLessThan(0.5 * fp8.get(0));
        assertThat(Math.abs(drop8 - drop32)).isLessThan(0.1 * drop32);
        assertThat(fp8).isNotEqualTo(full);
    }
}
