package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.CrossEntropyLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Masked targets (-100) of a packed row: they add no loss and no gradient, the mean is over the
 * counted positions, and a token whose own and later targets in its sample are masked (the last
 * prompt token; the last token of a sample) changes nothing at all, even for the next sample.
 */
class MaskedTargetsTest {
    private static final Segments SEG = Segments.of(4, 2, 5);

    private static int[] tokens(int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return rnd.ints(SEG.length(), 0, vocab).toArray();
    }

    @Test
    void aMaskedPositionAddsNoLossAndNoGradientAndTheMeanIsOverCountedPositions() {
        TrainableModel model = PackedSequencesTest.model("mixed");
        int vocab = model.graph().config().vocabSize();
        int[] tokens = tokens(vocab, 3);
        int[] all = tokens(vocab, 4); // every target counted
        int m = 5;                    // the position masked next: the last of sample 2
        int[] masked = all.clone();
        masked[m] = CrossEntropy.IGNORE_INDEX;
        int[] onlyM = new int[all.length];
        Arrays.fill(onlyM, CrossEntropy.IGNORE_INDEX);
        onlyM[m] = all[m];
        Gradients gAll = model.newGradients();
        Gradients gMasked = model.newGradients();
        Gradients gOnly = model.newGradients();
        double lAll = model.lossAndGradients(tokens, SEG, all, gAll);
        double lMasked = model.lossAndGradients(tokens, SEG, masked, gMasked);
        double lOnly = model.lossAndGradients(tokens, SEG, onlyM, gOnly);
        int n = all.length;
        // n lAll = (n - 1) lMasked + lOnly: the masked position's term is gone, the rest is averaged over n - 1
        assertThat((n - 1) * lMasked + lOnly).isCloseTo(n * lAll, org.assertj.core.data.Offset.offset(1e-12 * n * lAll));
        double worst = 0;
        for (String name : gAll.names()) {
            double[] a = gAll.get(name), b = gMasked.get(name), c = gOnly.get(name);
            double[] expected = new double[a.length];
            double[] actual = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                expected[i] = n * a[i];
                actual[i] = (n - 1) * b[i] + c[i];
            }
            worst = Math.max(worst, dev.nemotron.train.autodiff.check.PackedCheck.error(actual, expected));
        }
        assertThat(worst).isLessThanOrEqualTo(1e-12);
        assertThat(lOnly).as("the masked position alone has a loss of its own").isGreaterThan(0.1);
    }

    @Test
    void theLogitsOfMaskedPositionsGetZeroGradient() {
        int rows = 6, vocab = 7;
        double[] logits = new SplittableRandom(1).doubles(rows * vocab, -2, 2).toArray();
        int[] targets = {3, -100, 0, -100, -100, 6};
        Loss.Value v = new CrossEntropyLoss(targets).compute(logits, rows, vocab);
        assertThat(v.counted()).isEqualTo(3);
        for (int t : new int[] {1, 3, 4}) {
            for (int k = 0; k < vocab; k++) {
                assertThat(v.dLogits()[t * vocab + k]).as("d loss / d logits[%d, %d]", t, k).isZero();
            }
            // perturbing a masked position's logits changes the loss not by a bit
            double[] moved = logits.clone();
            for (int k = 0; k < vocab; k++) {
                moved[t * vocab + k] += 3.7 * (k + 1);
            }
            assertThat(new CrossEntropyLoss(targets).compute(moved, rows, vocab).loss()).isEqualTo(v.loss());
        }
    }

    @Test
    void theLastTokenOfAMaskedSampleTailChangesNothingInAPackedRow() {
        // positions 3 (last of sample 1) and 5 (last of sample 2) have masked targets: their input
        // tokens can influence only their own sample's later positions, and there are none
        TrainableModel model = PackedSequencesTest.model("mixed");
        int vocab = model.graph().config().vocabSize();
        int[] tokens = tokens(vocab, 8);
        int[] targets = tokens(vocab, 9);
        targets[3] = CrossEntropy.IGNORE_INDEX;
        targets[5] = CrossEntropy.IGNORE_INDEX;
        Gradients before = model.newGradients();
        double lBefore = model.lossAndGradients(tokens, SEG, targets, before);
        int[] changed = tokens.clone();
        changed[3] = (tokens[3] + 1) % vocab;
        changed[5] = (tokens[5] + 2) % vocab;
        Gradients after = model.newGradients();
        double lAfter = model.lossAndGradients(changed, SEG, targets, after);
        assertThat(lAfter).isEqualTo(lBefore);
        for (String name : before.names()) {
            assertThat(after.get(name)).as(name).containsExactly(before.get(name));
        }
        // without the segments, the next sample reads those tokens: the loss moves
        assertThat(model.loss(changed, targets)).isNotEqualTo(model.loss(tokens, targets));
    }

    @Test
    void segmentsThatDoNotCoverTheRowAreRefused() {
        TrainableModel model = PackedSequencesTest.model("mixed");
        int[] tokens = new int[10];
        int[] targets = new int[10];
        assertThatThrownBy(() -> model.lossAndGradients(tokens, SEG, targets, model.newGradients()))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("the segments cover 11 positions (3 samples) but the row has 10");
        assertThatThrownBy(() -> model.forward(tokens, ForwardOptions.training().withSegments(Segments.of(9))))
                .isInstanceOf(NemotronException.class).hasMessageContaining("cover 9 positions");
    }
}
