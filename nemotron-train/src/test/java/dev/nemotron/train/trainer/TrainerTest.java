package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.TrainableModel;
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

/** The training loop on a tiny hybrid model: the loss falls, and resuming is bit-identical. */
class TrainerTest {
    static final String CONFIG = "{\"vocab_size\": 24, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
            + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"initializer_range\": 0.1}";

    /** Batches of a counting sequence (t, t+1, ... mod vocab) from seeded starts; the position is the batch index. */
    static final class CountingData implements BatchSource {
        private long index;

        @Override
        public TrainingBatch next() {
            SplittableRandom rnd = new SplittableRandom(1000 + index++);
            int[][] in = new int[2][12];
            int[][] tg = new int[2][12];
            for (int b = 0; b < 2; b++) {
                int start = rnd.nextInt(24);
                for (int t = 0; t < 12; t++) {
                    in[b][t] = (start + t) % 24;
                    tg[b][t] = (start + t + 1) % 24;
                }
            }
            return new TrainingBatch(in, tg);
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

    static Trainer trainer(Path dir, long steps, long checkpointEvery) throws Exception {
        return trainer(dir, steps, checkpointEvery, TrainerConfig.defaultThreads());
    }

    static Trainer trainer(Path dir, long steps, long checkpointEvery, int threads) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("model-config.json");
        Files.writeString(config, CONFIG);
        MixerRegistry registry = MixerRegistry.discover();
        ModelGraph graph = ModelGraph.of(new ConfigParser(registry).parse(config), registry);
        TrainableModel model = TrainableModel.random(graph, 3);
        return new Trainer(model, Optimizers.create("adamw", OptimizerConfig.of(Map.of("weight_decay", "0.01"))),
                new ConstantSchedule(1e-2), DecayPolicy.nemotronDefault(), new CountingData(),
                new TrainerConfig(steps, 1.0, checkpointEvery, threads), config, dir.resolve("run"));
    }

    @Test
    void lossFallsOnALearnableSequence(@TempDir Path tmp) throws Exception {
        List<Double> losses = new ArrayList<>();
        trainer(tmp, 60, 0).run(m -> losses.add(m.loss()));
        assertThat(losses).hasSize(60);
        assertThat(losses.get(59)).isLessThan(0.3 * losses.get(0));
        assertThat(Files.readAllLines(tmp.resolve("run/metrics.jsonl"))).hasSize(60).allMatch(l -> l.contains("\"loss\""));
        assertThat(tmp.resolve("run/checkpoint-60/model.safetensors")).exists();
    }

    @Test
    void twoThreadsAreDeterministicAndAgreeWithOne(@TempDir Path tmp) throws Exception {
        List<Double> one = new ArrayList<>();
        trainer(tmp.resolve("one"), 6, 0, 1).run(m -> one.add(m.loss()));
        List<Double> twoA = new ArrayList<>();
        trainer(tmp.resolve("twoA"), 6, 0, 2).run(m -> twoA.add(m.loss()));
        List<Double> twoB = new ArrayList<>();
        trainer(tmp.resolve("twoB"), 6, 0, 2).run(m -> twoB.add(m.loss()));
        assertThat(twoB).containsExactlyElementsOf(twoA);
        for (int i = 0; i < 6; i++) {
            assertThat(twoA.get(i)).isCloseTo(one.get(i), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void resumeIsBitIdentical(@TempDir Path tmp) throws Exception {
        List<Double> straight = new ArrayList<>();
        Trainer a = trainer(tmp.resolve("a"), 8, 0);
        a.run(m -> straight.add(m.loss()));

        Trainer first = trainer(tmp.resolve("b"), 4, 4);
        first.run(m -> { });
        List<Double> resumed = new ArrayList<>();
        Trainer second = trainer(tmp.resolve("b"), 8, 4);
        second.resume(tmp.resolve("b/run/checkpoint-4"));
        assertThat(second.step()).isEqualTo(4);
        second.run(m -> resumed.add(m.loss()));
        assertThat(resumed).containsExactlyElementsOf(straight.subList(4, 8));
        var pa = TrainingCheckpoint.read(tmp.resolve("a/run/checkpoint-8")).parameters();
        var pb = TrainingCheckpoint.read(tmp.resolve("b/run/checkpoint-8")).parameters();
        for (String name : pa.names()) {
            assertThat(pb.get(name)).as(name).containsExactly(pa.get(name));
        }
    }
}
