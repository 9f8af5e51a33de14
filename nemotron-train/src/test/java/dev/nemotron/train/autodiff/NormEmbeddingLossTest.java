package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.embedding.Embedding;
import dev.nemotron.train.autodiff.embedding.LmHead;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.norm.GatedGroupRmsNorm;
import dev.nemotron.train.autodiff.norm.RmsNorm;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of RMSNorm, the gated group norm, embedding, lm_head and cross-entropy. */
class NormEmbeddingLossTest {

    @ParameterizedTest(name = "rows {0}")
    @ValueSource(ints = {1, 5})
    void rmsNorm(int rows) {
        int d = 7;
        SplittableRandom rnd = new SplittableRandom(rows);
        Parameters p = Parameters.empty().put("w", new long[] {d}, GradCheck.random(rnd, d, 1.5));
        RmsNorm norm = new RmsNorm(p, "w", 1e-5);
        double[] x = GradCheck.random(rnd, rows * d, 2);
        double[] r = GradCheck.random(rnd, rows * d, 1);
        DoubleSupplier f = () -> GradCheck.dot(r, norm.forward(x, rows, null));
        RmsNorm.Saved s = new RmsNorm.Saved();
        norm.forward(x, rows, s);
        Gradients g = p.newGradients();
        double[] dx = norm.backward(r, s, g);
        GradCheck.checkAll("rmsnorm dx", f, x, dx);
        GradCheck.checkAll("rmsnorm dw", f, p.get("w"), g.get("w"));
    }

    @ParameterizedTest(name = "groups {0}")
    @ValueSource(ints = {1, 3})
    void gatedGroupRmsNorm(int groups) {
        int dim = 12;
        int rows = 4;
        SplittableRandom rnd = new SplittableRandom(groups);
        Parameters p = Parameters.empty().put("norm.weight", new long[] {dim}, GradCheck.random(rnd, dim, 1.5));
        GatedGroupRmsNorm norm = new GatedGroupRmsNorm(p, "norm.weight", groups, 1e-5);
        double[] y = GradCheck.random(rnd, rows * dim, 2);
        double[] z = GradCheck.random(rnd, rows * dim, 3);
        double[] r = GradCheck.random(rnd, rows * dim, 1);
        DoubleSupplier f = () -> GradCheck.dot(r, norm.forward(y, z, rows, null));
        GatedGroupRmsNorm.Saved s = new GatedGroupRmsNorm.Saved();
        norm.forward(y, z, rows, s);
        Gradients g = p.newGradients();
        GatedGroupRmsNorm.InputGrads in = norm.backward(r, s, g);
        GradCheck.checkAll("gated norm dy", f, y, in.dy());
        GradCheck.checkAll("gated norm dz", f, z, in.dz());
        GradCheck.checkAll("gated norm dw", f, p.get("norm.weight"), g.get("norm.weight"));
    }

    @Test
    void embeddingScatterAddsRepeatedTokensAndLmHead() {
        int v = 9;
        int d = 5;
        SplittableRandom rnd = new SplittableRandom(3);
        Parameters p = Parameters.empty().put("E", new long[] {v, d}, GradCheck.random(rnd, v * d, 1))
                .put("W", new long[] {v, d}, GradCheck.random(rnd, v * d, 1));
        Embedding emb = new Embedding(p, "E");
        LmHead head = new LmHead(p, "W");
        int[] ids = {4, 1, 4, 8, 4};
        double[] r = GradCheck.random(rnd, ids.length * v, 1);
        DoubleSupplier f = () -> GradCheck.dot(r, head.forward(emb.forward(ids), ids.length));
        Gradients g = p.newGradients();
        double[] h = emb.forward(ids);
        double[] dh = head.backward(r, h, ids.length, g);
        emb.backward(ids, dh, g);
        GradCheck.checkAll("embedding", f, p.get("E"), g.get("E"));
        GradCheck.checkAll("lm_head", f, p.get("W"), g.get("W"));
        assertThat(g.get("E")[0]).as("unused row").isZero();
        assertThatThrownBy(() -> emb.forward(new int[] {9})).isInstanceOf(NemotronException.class)
                .hasMessageContaining("outside the vocabulary");
    }

    @Test
    void crossEntropyWithIgnoredPositions() {
        int rows = 6;
        int v = 11;
        SplittableRandom rnd = new SplittableRandom(8);
        double[] logits = GradCheck.random(rnd, rows * v, 4);
        int[] targets = {3, CrossEntropy.IGNORE_INDEX, 0, 10, CrossEntropy.IGNORE_INDEX, 7};
        CrossEntropy.Result res = CrossEntropy.compute(logits, rows, v, targets);
        assertThat(res.counted()).isEqualTo(4);
        // the value by hand: mean of -log softmax at the 4 counted positions
        double expected = 0;
        for (int t = 0; t < rows; t++) {
            if (targets[t] == CrossEntropy.IGNORE_INDEX) {
                continue;
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(logits[t * v + j]);
            }
            expected += -Math.log(Math.exp(logits[t * v + targets[t]]) / sum);
        }
        assertThat(res.loss()).isCloseTo(expected / 4, org.assertj.core.data.Offset.offset(1e-12));
        GradCheck.checkAll("cross-entropy dlogits", () -> CrossEntropy.compute(logits, rows, v, targets).loss(),
                logits, res.dLogits());
        for (int j = 0; j < v; j++) {
            assertThat(res.dLogits()[v + j]).as("ignored row").isZero();
        }
        // every target ignored: loss 0, no gradient
        int[] none = new int[rows];
        java.util.Arrays.fill(none, CrossEntropy.IGNORE_INDEX);
        CrossEntropy.Result empty = CrossEntropy.compute(logits, rows, v, none);
        assertThat(empty.loss()).isZero();
        assertThat(empty.counted()).isZero();
        // large logits do not overflow
        double[] big = logits.clone();
        big[0] = 1e4;
        assertThat(CrossEntropy.compute(big, rows, v, targets).loss()).isFinite();
        assertThatThrownBy(() -> CrossEntropy.compute(logits, rows, v, new int[] {11, 0, 0, 0, 0, 0}))
                .isInstanceOf(NemotronException.class).hasMessageContaining("ignore index");
    }
}
