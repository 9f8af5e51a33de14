package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.optim.DecayPolicy;
import dev.nemotron.train.optim.Optimizers;
import dev.nemotron.train.schedule.ConstantSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on packed rows: {@link TrainingBatch} carries each row's segments,
 * {@link BatchGradients} passes them to the model (the mean of the rows' packed losses, for any
 * thread count), and a training run on packed rows learns. Unpacked batches are unchanged (the
 * existing trainer and pretrain tests, resume bit-identical included).
 */
class PackedTrainingTest {
    /** Rows of 12 holding counting samples of lengths 5 + 7 or 3 + 4 + 5; no target crosses a seam. */
    static final class PackedCounting implements BatchSource {
        private long index;

        @Override
        public TrainingBatch next() {
            SplittableRandom rnd = new SplittableRandom(2000 + index++);
            int[][] in = new int[2][12];
            int[][] tg = new int[2][12];
            Segments[] seg = new Segments[2];
            for (int b = 0; b < 2; b++) {
                seg[b] = rnd.nextBoolean() ? Segments.of(5, 7) : Segments.of(3, 4, 5);
                for (int i = 0; i < seg[b].count(); i++) {
                    int start = rnd.nextInt(24);
                    for (int l = 0; l < seg[b].length(i); l++) {
                        int t = seg[b].start(i) + l;
                        in[b][t] = (start + l) % 24;
                        tg[b][t] = l == seg[b].length(i) - 1 ? -100 : (start + l + 1) % 24;
                    }
                }
            }
            return new TrainingBatch(in, tg, seg);
        }

        @Override
        public String saveState() {
            return Long.toString(index);
        }

        @Override
        public void restoreState(String state) {
            index = Long.parseLong(state);
        }
    }

    private static TrainableModel model(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("model-config.json");
        Files.writeString(config, TrainerTest.CONFIG);
        MixerRegistry registry = MixerRegistry.discover();
        return TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(config), registry), 3);
    }

    @Test
    void batchGradientsPassEachRowsSegments(@TempDir Path tmp) throws Exception {
        TrainableModel model = model(tmp);
        TrainingBatch batch = new PackedCounting().next();
        assertThat(batch.packed()).isTrue();
        Gradients seq = model.newGradients();
        double loss = 0;
        for (int b = 0; b < 2; b++) {
            loss += model.lossAndGradients(batch.inputs()[b], batch.segments(b), batch.targets()[b], seq);
        }
        seq.scale(0.5);
        Gradients one = model.newGradients();
        assertThat(new BatchGradients(model, 1).compute(batch, one)).isEqualTo(loss / 2);
        Gradients two = model.newGradients();
        assertThat(new BatchGradients(model, 2).compute(batch, two)).isCloseTo(loss / 2,
                org.assertj.core.data.Offset.offset(1e-12));
        for (String name : seq.names()) {
            assertThat(one.get(name)).as(name).containsExactly(seq.get(name));
        }
        // the same rows without their segments give another loss: the segments were used
        TrainingBatch unpacked = new TrainingBatch(batch.inputs(), batch.targets());
        assertThat(unpacked.packed()).isFalse();
        assertThat(unpacked.segments(0)).isEqualTo(Segments.single(12));
        assertThat(new BatchGradients(model, 1).compute(unpacked, model.newGradients())).isNotEqualTo(loss / 2);
        // any loss, with segments: the same numbers as the cross-entropy batch
        List<dev.nemotron.train.autodiff.loss.Loss> ce = List.of(
                new dev.nemotron.train.autodiff.loss.CrossEntropyLoss(batch.targets()[0]),
                new dev.nemotron.train.autodiff.loss.CrossEntropyLoss(batch.targets()[1]));
        assertThat(new BatchGradients(model, 1).compute(batch.inputs(), List.of(batch.segments(0), batch.segments(1)),
                ce, model.newGradients())).isEqualTo(loss / 2);
    }

    @Test
    void trainingOnPackedRowsLearns(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("model-config.json");
        TrainableModel model = model(tmp);
        Trainer trainer = new Trainer(model, Optimizers.create("adamw", OptimizerConfig.of(Map.of("weight_decay", "0.01"))),
                new ConstantSchedule(1e-2), DecayPolicy.nemotronDefault(), new PackedCounting(),
                new TrainerConfig(60, 1.0, 0, 2), config, tmp.resolve("run"));
        List<Double> losses = new ArrayList<>();
        trainer.run(m -> losses.add(m.loss()));
        assertThat(losses).hasSize(60);
        assertThat(losses.get(59)).isLessThan(0.3 * losses.get(0));
    }

    @Test
    void heldOutLossOfPackedRowsUsesTheirSegments(@TempDir Path tmp) throws Exception {
        TrainableModel model = model(tmp);
        TrainingBatch batch = new PackedCounting().next();
        List<int[]> in = List.of(batch.inputs());
        List<int[]> tg = List.of(batch.targets());
        List<Segments> seg = java.util.Arrays.asList(batch.segments(0), null);
        double expected = (model.loss(in.get(0), batch.segments(0), tg.get(0)) + model.loss(in.get(1), tg.get(1))) / 2;
        assertThat(HeldOutLoss.ofRows(in, tg, seg).evaluate(model)).isEqualTo(expected);
        assertThat(HeldOutLoss.ofRows(in, tg).evaluate(model)).isNotEqualTo(expected);
        assertThatThrownBy(() -> HeldOutLoss.ofRows(in, tg, java.util.Arrays.asList(Segments.of(5, 6), null)))
                .isInstanceOf(dev.nemotron.api.NemotronException.class).hasMessageContaining("cover 11 positions");
    }

    @Test
    void segmentsMustMatchTheirRows() {
        int[][] in = {{1, 2, 3}, {4, 5}};
        int[][] tg = {{2, 3, 4}, {5, 6}};
        assertThatThrownBy(() -> new TrainingBatch(in, tg, new Segments[] {Segments.of(1, 1), null}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 0: the segments Segments[1, 1] cover 2 positions, the row has 3");
        assertThatThrownBy(() -> new TrainingBatch(in, tg, new Segments[] {Segments.of(3)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 rows but 1 segment lists");
        TrainingBatch ok = new TrainingBatch(in, tg, new Segments[] {Segments.of(1, 2), null});
        assertThat(ok.segments(0)).isEqualTo(Segments.of(1, 2));
        assertThat(ok.segments(1)).isEqualTo(Segments.single(2));
    }
}
