package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.KlDivergenceLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainableModel#forward} and {@link ForwardPass#backward}: the cross-entropy path through
 * them is bit-identical to {@code lossAndGradients}; hidden states match nemotron-arch's; a custom
 * loss (a function of token log-probs, and a KL to a teacher) backpropagates to gradients that
 * finite differences confirm.
 */
class ForwardPassTest {
    @Test
    void crossEntropyThroughForwardPassIsBitIdentical() {
        TrainableModel model = TrainableModel.load(ModelTest.FIXTURE);
        int[] ids = ModelTest.tokens(11, 512, 3);
        int[] targets = ModelTest.tokens(11, 512, 4);
        targets[2] = CrossEntropy.IGNORE_INDEX;
        Gradients viaLoss = model.newGradients();
        double loss = model.lossAndGradients(ids, targets, viaLoss);

        ForwardPass pass = model.forward(ids, ForwardOptions.training());
        CrossEntropy.Result ce = CrossEntropy.compute(pass.logits(), pass.rows(), pass.vocab(), targets);
        Gradients viaPass = model.newGradients();
        pass.backward(ce.dLogits(), viaPass);

        assertThat(ce.loss()).isEqualTo(loss);
        assertThat(pass.logits()).containsExactly(model.logits(ids));
        for (String name : viaLoss.names()) {
            assertThat(viaPass.get(name)).as(name).containsExactly(viaLoss.get(name));
        }
    }

    @Test
    void hiddenStatesMatchHybridModel() {
        TrainableModel model = TrainableModel.load(ModelTest.FIXTURE);
        int[] ids = ModelTest.tokens(9, 512, 5);
        List<double[]> hidden = model.forward(ids, ForwardOptions.inference().withHiddenStates()).hiddenStates();
        try (Backend ref = Backends.create("java-reference"); HybridModel hybrid = HybridModel.load(ModelTest.FIXTURE, ref)) {
            List<float[]> expected = hybrid.forward(ids, true).hidden();
            assertThat(hidden).hasSize(model.graph().layers().size() + 1).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(ModelTest.relErr(hidden.get(i), expected.get(i))).as("hidden.%d", i).isLessThan(1e-5);
            }
        }
        assertThatThrownBy(() -> model.forward(ids, ForwardOptions.inference()).hiddenStates())
                .isInstanceOf(NemotronException.class).hasMessageContaining("withHiddenStates");
    }

    /** A DPO-like loss: -log sigmoid(β (sum of chosen log-probs - a reference)), through TokenLogProbs. */
    private static double customLoss(TrainableModel model, int[] ids, int[] targets, Gradients grads) {
        ForwardPass pass = model.forward(ids, grads == null ? ForwardOptions.inference() : ForwardOptions.training());
        TokenLogProbs lp = TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), targets);
        double beta = 0.7;
        double h = beta * (lp.sum() + 20.0);
        double loss = Math.log1p(Math.exp(-h));
        if (grads != null) {
            double dh = -1.0 / (1.0 + Math.exp(h));
            double[] dlp = new double[pass.rows()];
            java.util.Arrays.fill(dlp, dh * beta);
            pass.backward(lp.backward(dlp), grads);
        }
        return loss;
    }

    @Test
    void customLossGradientsMatchFiniteDifferences(@TempDir Path tmp) throws IOException {
        TrainableModel model = TrainableModel.load(ModelTest.writeModel(ModelTest.SMALL, tmp.resolve("m"), 9));
        int[] ids = ModelTest.tokens(7, 53, 1);
        int[] targets = ModelTest.tokens(7, 53, 2);
        targets[0] = CrossEntropy.IGNORE_INDEX;
        targets[4] = CrossEntropy.IGNORE_INDEX;
        Gradients g = model.newGradients();
        double loss = customLoss(model, ids, targets, g);
        assertThat(loss).isEqualTo(customLoss(model, ids, targets, null));
        SplittableRandom rnd = new SplittableRandom(3);
        for (Parameters.Param p : model.parameters().all()) {
            if (p.name().endsWith("k_proj.bias")) {
                continue; // softmax is shift-invariant: no gradient to check
            }
            GradCheck.check("custom loss " + p.name(), () -> customLoss(model, ids, targets, null), p.data(),
                    g.get(p.name()), GradCheck.coordinates(g.get(p.name()), 6, rnd), true);
        }
    }

    @Test
    void klToTeacherGradientsMatchFiniteDifferences(@TempDir Path tmp) throws IOException {
        TrainableModel student = TrainableModel.load(ModelTest.writeModel(ModelTest.SMALL, tmp.resolve("s"), 11));
        TrainableModel teacher = TrainableModel.load(ModelTest.writeModel(ModelTest.SMALL, tmp.resolve("t"), 12));
        int[] ids = ModelTest.tokens(6, 53, 7);
        double[] teacherLogits = teacher.logits(ids);
        Loss kl = new KlDivergenceLoss(teacherLogits, 2.0, new boolean[] {true, true, false, true, true, true});
        Gradients g = student.newGradients();
        double loss = student.lossAndGradients(ids, kl, g);
        assertThat(loss).isPositive();
        SplittableRandom rnd = new SplittableRandom(5);
        for (String name : List.of("backbone.embeddings.weight", "backbone.layers.0.mixer.A_log",
                "backbone.layers.1.mixer.q_proj.weight", "backbone.layers.2.mixer.up_proj.weight", "lm_head.weight")) {
            double[] a = g.get(name);
            GradCheck.check("KL " + name, () -> kl.compute(student.logits(ids), 6, 53).loss(),
                    student.parameters().get(name), a, GradCheck.coordinates(a, 8, rnd), true);
        }
        // the student equal to the teacher: KL 0
        assertThat(teacher.lossAndGradients(ids, kl, teacher.newGradients())).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void backwardMisuseFailsClearly() {
        TrainableModel model = TrainableModel.load(ModelTest.FIXTURE);
        int[] ids = {1, 2, 3};
        ForwardPass plain = model.forward(ids, ForwardOptions.inference());
        assertThat(plain.canBackward()).isFalse();
        assertThatThrownBy(() -> plain.backward(new double[3 * 512], model.newGradients()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("ForwardOptions.training()");
        ForwardPass pass = model.forward(ids, ForwardOptions.training());
        assertThatThrownBy(() -> pass.backward(new double[5], model.newGradients()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("dLogits has 5 values");
        pass.backward(new double[3 * 512], model.newGradients());
        assertThat(pass.canBackward()).isFalse();
        assertThatThrownBy(() -> pass.backward(new double[3 * 512], model.newGradients()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("already ran");
    }
}
