package dev.nemotron.train.autodiff;

import dev.nemotron.train.autodiff.attention.TrainableAttention;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.mlp.TrainableMlp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Finite-difference checks of the relu² MLP and of causal GQA attention, each on its own. */
class MlpAttentionTest {

    @ParameterizedTest(name = "rows {0}, biases {1}")
    @CsvSource({"1,false", "5,false", "6,true"})
    void mlp(int rows, boolean bias) {
        int d = 5;
        int f = 9;
        String m = "backbone.layers.0.mixer.";
        Parameters p = bias
                ? MixerCheck.params(rows, 0.5, m + "up_proj.weight", new long[] {f, d}, m + "down_proj.weight",
                        new long[] {d, f}, m + "up_proj.bias", new long[] {f}, m + "down_proj.bias", new long[] {d})
                : MixerCheck.params(rows, 0.5, m + "up_proj.weight", new long[] {f, d}, m + "down_proj.weight",
                        new long[] {d, f});
        MixerCheck.check("mlp", new TrainableMlp(p, m), p, rows, d, 17 + rows, Integer.MAX_VALUE);
    }

    @ParameterizedTest(name = "rows {0}, {1} q heads / {2} kv heads, head dim {3}, biases {4}")
    @CsvSource({"1,6,2,3,false", "7,6,2,3,false", "9,4,4,5,true", "5,3,1,4,true"})
    void attention(int rows, int qHeads, int kvHeads, int hd, boolean bias) {
        int d = 7;
        String m = "backbone.layers.3.mixer.";
        long q = (long) qHeads * hd;
        long kv = (long) kvHeads * hd;
        Parameters p = MixerCheck.params(rows * 31L, 0.6, m + "q_proj.weight", new long[] {q, d},
                m + "k_proj.weight", new long[] {kv, d}, m + "v_proj.weight", new long[] {kv, d},
                m + "o_proj.weight", new long[] {d, q});
        if (bias) {
            Parameters b = MixerCheck.params(rows, 0.3, m + "q_proj.bias", new long[] {q}, m + "k_proj.bias",
                    new long[] {kv}, m + "v_proj.bias", new long[] {kv}, m + "o_proj.bias", new long[] {d});
            for (Parameters.Param x : b.all()) {
                p.put(x.name(), x.shape(), x.data());
            }
        }
        MixerCheck.check("attention", new TrainableAttention(p, m, qHeads, kvHeads, hd), p, rows, d, rows,
                Integer.MAX_VALUE);
    }
}
