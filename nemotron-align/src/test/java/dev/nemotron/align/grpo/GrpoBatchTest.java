package dev.nemotron.align.grpo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.testing.Fixtures;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.check.GradientCheck;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.trainer.BatchGradients;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The GRPO loss through the tiny fixture model: zero gradient without signal, finite differences. */
class GrpoBatchTest {
    private static final Path FIXTURE = Fixtures.dir("tiny-nemotron-h-a").toAbsolutePath();

    /** Two prompts, two sampled completions each (random ids; lengths differ). */
    private static List<int[]> prompts() {
        return List.of(new int[] {1, 17, 42, 99, 7}, new int[] {1, 17, 42, 99, 7}, new int[] {1, 5, 6}, new int[] {1, 5, 6});
    }

    private static List<int[]> completions() {
        return List.of(new int[] {12, 30, 2}, new int[] {8, 8, 91, 64, 2}, new int[] {44, 2}, new int[] {3, 77, 51, 2});
    }

    @Test
    void equalRewardsInEveryGroupGiveExactlyZeroGradient() {
        TrainableModel policy = TrainableModel.load(FIXTURE);
        TrainableModel reference = TrainableModel.load(FIXTURE);
        double[] adv = GroupAdvantages.of(new double[] {0.3, 0.3, 1, 1}, 2, true, 1e-4);
        BatchGradients engine = new BatchGradients(policy, 2);
        Gradients g = policy.newGradients();
        for (double beta : new double[] {0, 0.04}) {
            GrpoBatch batch = new GrpoBatch(prompts(), completions(), adv);
            if (beta > 0) {
                batch.referenceLogProbs(reference, 2);
            }
            GrpoBatch.Update u = batch.gradients(engine, g, 0.2, beta);
            assertThat(u.kl()).isZero();
            for (String name : g.names()) {
                assertThat(g.get(name)).as("beta %s: %s", beta, name).containsOnly(0.0);
            }
        }
        // a group with different rewards does move the policy
        GrpoBatch signal = new GrpoBatch(prompts(), completions(), GroupAdvantages.of(new double[] {0, 1, 1, 1}, 2, true, 1e-4));
        signal.gradients(engine, g, 0.2, 0);
        assertThat(g.names().stream().anyMatch(n -> java.util.Arrays.stream(g.get(n)).anyMatch(x -> x != 0))).isTrue();
    }

    @Test
    void theGradientOfALaterUpdateMatchesFiniteDifferencesThroughTheModel() {
        TrainableModel policy = TrainableModel.load(FIXTURE);
        TrainableModel reference = TrainableModel.load(FIXTURE);
        GrpoBatch batch = new GrpoBatch(prompts(), completions(), new double[] {-0.9, 0.9, 1.1, -1.1});
        batch.referenceLogProbs(reference, 1);
        BatchGradients engine = new BatchGradients(policy, 1);
        Gradients g = policy.newGradients();
        // update 1 keeps the rollout policy's log-probs; then the weights move (as after an optimizer step)
        batch.gradients(engine, g, 0.2, 0.04);
        SplittableRandom rnd = new SplittableRandom(7);
        for (Parameters.Param p : policy.parameters().all()) {
            for (int i = 0; i < p.data().length; i++) {
                p.data()[i] += 0.02 * rnd.nextGaussian();
            }
        }
        // update 2: ratios != 1, KL != 0
        GrpoBatch.Update u = batch.gradients(engine, g, 0.2, 0.04);
        assertThat(u.kl()).isPositive();
        Gradients scratch = policy.newGradients();
        List<String> checked = new ArrayList<>();
        for (Parameters.Param p : policy.parameters().all()) {
            if (checked.size() == 8 && !p.name().contains("lm_head")) {
                continue;
            }
            int[] coords = GradientCheck.coordinates(g.get(p.name()), 2, rnd);
            GradientCheck.TensorResult r = GradientCheck.checkTensor(p.name(),
                    () -> batch.gradients(engine, scratch, 0.2, 0.04).loss(), p.data(), g.get(p.name()), coords);
            assertThat(r.passed()).as("%s: relative error %s", p.name(), r.relativeError()).isTrue();
            checked.add(p.name());
        }
        assertThat(checked.size()).isGreaterThanOrEqualTo(8);
    }
}
