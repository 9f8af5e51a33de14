package dev.nemotron.align.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.align.sft.SftRow;
import dev.nemotron.align.sft.SftSample;
import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.ForwardPass;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The DPO loss through the tiny fixture model (ids below its vocabulary of 512): log 2 at
 * initialisation, chosen and rejected kept apart in the packed row, the gradient with respect to
 * the logits equal to the hand-derived chain (d loss / d pc = -beta sigmoid(-beta h) times
 * d pc / d logits), and the gradient of every checked weight equal to central finite differences.
 */
class DpoPairLossTest {
    static final Path FIXTURE = dev.nemotron.testing.Fixtures.dir("tiny-nemotron-h-a").toAbsolutePath();
    // prompt 1 17 42 99; chosen answer 7 8 9 2; rejected answer 11 12 13 14 2
    static final SftSample CHOSEN = new SftSample(new int[] {1, 17, 42, 99, 7, 8, 9, 2}, 4, false, -1);
    static final SftSample REJECTED = new SftSample(new int[] {1, 17, 42, 99, 11, 12, 13, 14, 2}, 4, false, -1);
    static final DpoPair PAIR = new DpoPair(CHOSEN, REJECTED);

    /** The pair's DPO loss under {@code model} (forward only). */
    static double loss(TrainableModel model, DpoObjective o, double rc, double rr) {
        SftRow row = PAIR.row();
        ForwardPass pass = model.forward(row.inputs(), ForwardOptions.inference().withSegments(row.toSegments()));
        return new DpoPairLoss(o, row.targets(), CHOSEN.positions(), rc, rr).compute(pass.logits(), pass.rows(), pass.vocab()).loss();
    }

    /** log pi of a sample on its own (no packing). */
    static double alone(TrainableModel model, SftSample s) {
        ForwardPass pass = model.forward(s.inputs(), ForwardOptions.inference());
        return TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), s.targets()).sum();
    }

    @Test
    void atInitialisationWithReferenceEqualToPolicyTheLossIsExactlyLog2() {
        TrainableModel policy = TrainableModel.load(FIXTURE);
        TrainableModel reference = TrainableModel.load(FIXTURE);
        double[] ref = DpoReference.logProbs(reference, PAIR);
        DpoReference all = DpoReference.compute(reference, java.util.List.of(PAIR, PAIR), 2);
        assertThat(all.chosen()).containsExactly(ref[0], ref[0]);
        SftRow row = PAIR.row();
        Gradients g = policy.newGradients();
        double l = policy.lossAndGradients(row.inputs(), row.toSegments(),
                new DpoPairLoss(new DpoObjective(DpoObjective.Kind.SIGMOID, 0.1, 0), row.targets(), CHOSEN.positions(), ref[0], ref[1]), g);
        assertThat(l).isEqualTo(Math.log(2));
    }

    @Test
    void theRowKeepsChosenAndRejectedApart() {
        TrainableModel model = TrainableModel.load(FIXTURE);
        double[] packed = DpoReference.logProbs(model, PAIR);
        // each response's log-prob in the packed row is the one it has alone
        assertThat(packed[0]).isCloseTo(alone(model, CHOSEN), within(1e-9));
        assertThat(packed[1]).isCloseTo(alone(model, REJECTED), within(1e-9));
        assertThat(packed[0]).isLessThan(0);
    }

    @Test
    void theLogitGradientIsTheHandDerivedChain() {
        TrainableModel model = TrainableModel.load(FIXTURE);
        SftRow row = PAIR.row();
        ForwardPass pass = model.forward(row.inputs(), ForwardOptions.inference().withSegments(row.toSegments()));
        double beta = 0.5;
        double rc = -40;
        double rr = -35;
        var value = new DpoPairLoss(new DpoObjective(DpoObjective.Kind.SIGMOID, beta, 0), row.targets(), CHOSEN.positions(), rc, rr)
                .compute(pass.logits(), pass.rows(), pass.vocab());
        // by hand: h = (pc - rc) - (pr - rr); d loss / d pc = -beta sigmoid(-beta h); d loss / d pr = +beta sigmoid(-beta h)
        TokenLogProbs lp = TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), row.targets());
        double[] v = lp.values();
        double pc = Arrays.stream(v, 0, CHOSEN.positions()).sum();
        double pr = Arrays.stream(v, CHOSEN.positions(), v.length).sum();
        double h = (pc - rc) - (pr - rr);
        double s = 1 / (1 + Math.exp(beta * h));
        assertThat(value.loss()).isCloseTo(Math.log1p(Math.exp(-beta * h)), within(1e-12));
        // d pc / d logits[t, u] = onehot(y_t)[u] - softmax(logits[t])[u] on chosen response positions, 0 elsewhere
        int vocab = pass.vocab();
        double[] logits = pass.logits();
        for (int t = 0; t < pass.rows(); t++) {
            int y = row.targets()[t];
            double w = t < CHOSEN.positions() ? -beta * s : beta * s;
            double max = Arrays.stream(logits, t * vocab, (t + 1) * vocab).max().orElseThrow();
            double z = 0;
            for (int u = 0; u < vocab; u++) {
                z += Math.exp(logits[t * vocab + u] - max);
            }
            for (int u = 0; u < vocab; u++) {
                double expected = y < 0 ? 0 : w * ((u == y ? 1 : 0) - Math.exp(logits[t * vocab + u] - max) / z);
                assertThat(value.dLogits()[t * vocab + u]).as("position %d token %d", t, u).isCloseTo(expected, within(1e-12));
            }
        }
    }

    @Test
    void weightGradientsMatchFiniteDifferencesThroughTheModel() {
        TrainableModel model = TrainableModel.load(FIXTURE);
        SftRow row = PAIR.row();
        double[] ref = DpoReference.logProbs(model, PAIR);
        // a reference other than the policy (h != 0), both loss families
        double rc = ref[0] + 0.7;
        double rr = ref[1] - 0.4;
        for (DpoObjective o : new DpoObjective[] {new DpoObjective(DpoObjective.Kind.SIGMOID, 0.5, 0.1),
                new DpoObjective(DpoObjective.Kind.IPO, 0.5, 0)}) {
            Gradients g = model.newGradients();
            model.lossAndGradients(row.inputs(), row.toSegments(), new DpoPairLoss(o, row.targets(), CHOSEN.positions(), rc, rr), g);
            int checked = 0;
            for (var p : model.parameters().all()) {
                double[] w = p.data();
                double[] grad = g.get(p.name());
                // the largest-gradient entry and one fixed entry of every weight
                int big = 0;
                for (int i = 1; i < grad.length; i++) {
                    big = Math.abs(grad[i]) > Math.abs(grad[big]) ? i : big;
                }
                for (int i : new int[] {big, grad.length / 3}) {
                    double keep = w[i];
                    double eps = 1e-5;
                    w[i] = keep + eps;
                    double up = loss(model, o, rc, rr);
                    w[i] = keep - eps;
                    double down = loss(model, o, rc, rr);
                    w[i] = keep;
                    double fd = (up - down) / (2 * eps);
                    assertThat(grad[i]).as("%s %s[%d]", o.kind(), p.name(), i)
                            .isCloseTo(fd, within(1e-6 + 1e-4 * Math.abs(fd)));
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(20);
        }
    }
}
