package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.CrossEntropyLoss;
import dev.nemotron.train.autodiff.loss.KlDivergenceLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data-parallel batch gradients: T = 1 and T = 2 agree, T = 2 is deterministic, T = 1 is the sequential sum. */
class BatchGradientsTest {
    static TrainableModel model(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.json");
        Files.writeString(config, TrainerTest.CONFIG);
        MixerRegistry registry = MixerRegistry.discover();
        return TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(config), registry), 3);
    }

    static TrainingBatch batch(int rows, int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] in = new int[rows][len];
        int[][] tg = new int[rows][len];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < len; t++) {
                in[b][t] = rnd.nextInt(24);
                tg[b][t] = t == 3 ? -100 : rnd.nextInt(24);
            }
        }
        return new TrainingBatch(in, tg);
    }

    @Test
    void oneAndTwoThreadsAgreeAndTwoThreadsAreDeterministic(@TempDir Path tmp) throws Exception {
        TrainableModel model = model(tmp);
        TrainingBatch batch = batch(5, 13, 9);
        Gradients g1 = model.newGradients();
        double l1 = new BatchGradients(model, 1).compute(batch, g1);
        Gradients g2 = model.newGradients();
        BatchGradients two = new BatchGradients(model, 2);
        double l2 = two.compute(batch, g2);
        assertThat(l2).isCloseTo(l1, org.assertj.core.data.Offset.offset(1e-12));
        for (String name : g1.names()) {
            double[] a = g1.get(name);
            double[] b = g2.get(name);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).as(name).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(a[i]))));
            }
        }
        // again, into gradients holding garbage, and with a fresh instance: identical
        Gradients again = model.newGradients();
        again.get(g1.names().iterator().next())[0] = 42;
        assertThat(two.compute(batch, again)).isEqualTo(l2);
        Gradients fresh = model.newGradients();
        assertThat(new BatchGradients(model, 2).compute(batch, fresh)).isEqualTo(l2);
        for (String name : g2.names()) {
            assertThat(again.get(name)).as(name).containsExactly(g2.get(name));
            assertThat(fresh.get(name)).as(name).containsExactly(g2.get(name));
        }
    }

    @Test
    void oneThreadIsTheSequentialMean(@TempDir Path tmp) throws Exception {
        TrainableModel model = model(tmp);
        TrainingBatch batch = batch(3, 7, 4);
        Gradients seq = model.newGradients();
        double loss = 0;
        for (int b = 0; b < 3; b++) {
            loss += model.lossAndGradients(batch.inputs()[b], batch.targets()[b], seq);
        }
        seq.scale(1.0 / 3);
        Gradients g = model.newGradients();
        assertThat(new BatchGradients(model, 1).compute(batch, g)).isEqualTo(loss / 3);
        // more threads than sequences: capped at one per sequence
        Gradients many = model.newGradients();
        assertThat(new BatchGradients(model, 8).compute(batch, many)).isCloseTo(loss / 3,
                org.assertj.core.data.Offset.offset(1e-12));
        for (String name : seq.names()) {
            assertThat(g.get(name)).as(name).containsExactly(seq.get(name));
        }
    }

    @Test
    void anyLossPerSequence(@TempDir Path tmp) throws Exception {
        TrainableModel model = model(tmp);
        TrainingBatch batch = batch(4, 9, 6);
        // cross-entropy as Loss objects: bit-identical to the TrainingBatch path
        java.util.List<Loss> ce = java.util.Arrays.stream(batch.targets()).<Loss>map(CrossEntropyLoss::new).toList();
        Gradients viaBatch = model.newGradients();
        double l = new BatchGradients(model, 2).compute(batch, viaBatch);
        Gradients viaLosses = model.newGradients();
        assertThat(new BatchGradients(model, 2).compute(batch.inputs(), ce, viaLosses)).isEqualTo(l);
        // a KL to a teacher per sequence: the sequential mean of its lossAndGradients
        TrainableModel teacher = TrainableModel.random(model.graph(), 8);
        java.util.List<Loss> kl = java.util.Arrays.stream(batch.inputs())
                .<Loss>map(in -> new KlDivergenceLoss(teacher.logits(in), 2.0, null)).toList();
        Gradients seq = model.newGradients();
        double sum = 0;
        for (int b = 0; b < 4; b++) {
            sum += model.lossAndGradients(batch.inputs()[b], kl.get(b), seq);
        }
        seq.scale(0.25);
        Gradients g = model.newGradients();
        assertThat(new BatchGradients(model, 1).compute(batch.inputs(), kl, g)).isEqualTo(sum / 4).isPositive();
        for (String name : seq.names()) {
            assertThat(g.get(name)).as(name).containsExactly(seq.get(name));
            assertThat(viaLosses.get(name)).as(name).containsExactly(viaBatch.get(name));
        }
        assertThatThrownBy(() -> new BatchGradients(model, 1).compute(batch.inputs(), kl.subList(0, 3), g))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 sequences but 3 losses");
    }

    @Test
    void aWorkerFailureReachesTheCaller(@TempDir Path tmp) throws Exception {
        TrainableModel model = model(tmp);
        TrainingBatch bad = new TrainingBatch(new int[][] {{1, 2}, {1, 99}}, new int[][] {{2, 3}, {2, 3}});
        assertThatThrownBy(() -> new BatchGradients(model, 2).compute(bad, model.newGradients()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("99");
        assertThatThrownBy(() -> new BatchGradients(model, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
