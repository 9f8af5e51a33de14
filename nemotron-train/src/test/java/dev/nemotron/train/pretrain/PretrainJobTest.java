package dev.nemotron.train.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.data.DatasetWriter;
import dev.nemotron.train.data.WriterOptions;
import dev.nemotron.train.trainer.StepMetrics;
import dev.nemotron.train.trainer.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs through {@link PretrainJob}: real Arrow datasets, the packed loader, held-out loss, resume. */
class PretrainJobTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = "{\"vocab_size\": 24, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
            + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"initializer_range\": 0.1}";

    /** Documents counting upwards mod 23 from seeded starts (23 = EOS): learnable, so the loss must fall. */
    static Path dataset(Path dir, String name, long seed, int docs) {
        SplittableRandom r = new SplittableRandom(seed);
        try (DatasetWriter w = DatasetWriter.create(dir, new WriterOptions(name, "test", 24, 23, 1 << 20, 1 << 12),
                text -> new int[0]); DatasetWriter.DocumentSink sink = w.documents("synthetic")) {
            for (int d = 0; d < docs; d++) {
                int start = r.nextInt(23);
                int[] doc = new int[5 + r.nextInt(20)];
                for (int t = 0; t < doc.length; t++) {
                    doc[t] = (start + t) % 23;
                }
                sink.add(doc);
            }
            sink.close();
            w.finish();
        }
        return dir;
    }

    static ObjectNode spec(Path tmp, Path out, long steps) throws Exception {
        Path config = tmp.resolve("config.json");
        if (!Files.exists(config)) {
            Files.writeString(config, CONFIG);
            dataset(tmp.resolve("train"), "count", 1, 300);
            dataset(tmp.resolve("held"), "count-heldout", 2, 40);
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("model_config", config.toString());
        n.putArray("data").add(tmp.resolve("train").toString());
        n.put("eval_data", tmp.resolve("held").toString());
        n.put("eval_every", 4);
        n.put("eval_sequences", 4);
        n.put("steps", steps);
        n.put("seq_len", 16);
        n.put("batch", 2);
        n.put("lr", 1e-2);
        n.put("warmup", 2);
        n.put("seed", 5);
        n.put("out", out.toString());
        return n;
    }

    static PretrainResult run(ObjectNode n, List<StepMetrics> seen) {
        return new PretrainJob(PretrainSpec.parse(n, "test", null)).run(seen::add);
    }

    @Test
    void trainsAndWritesAModelAndItsRecords(@TempDir Path tmp) throws Exception {
        List<StepMetrics> seen = new ArrayList<>();
        PretrainResult r = run(spec(tmp, tmp.resolve("run"), 40), seen);
        assertThat(seen).hasSize(40);
        assertThat(r.evalLoss()).isLessThan(0.6 * r.initialEvalLoss());
        assertThat(seen.stream().filter(m -> m.evalLoss() != null).map(StepMetrics::step))
                .containsExactly(1L, 4L, 8L, 12L, 16L, 20L, 24L, 28L, 32L, 36L, 40L);
        List<String> lines = Files.readAllLines(tmp.resolve("run/metrics.jsonl"));
        assertThat(lines).hasSize(40);
        JsonNode last = JSON.readTree(lines.getLast());
        assertThat(last.get("step").asLong()).isEqualTo(40);
        assertThat(last.get("eval_loss").asDouble()).isEqualTo(r.evalLoss());
        // the final model is a loadable HF-layout directory with the trained weights
        TrainableModel loaded = TrainableModel.load(r.model());
        var ckpt = TrainingCheckpoint.read(tmp.resolve("run/checkpoint-40")).parameters();
        for (String name : ckpt.names()) {
            double[] want = ckpt.get(name);
            double[] got = loaded.parameters().get(name);
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).as(name).isEqualTo((double) (float) want[i]);
            }
        }
        JsonNode summary = JSON.readTree(tmp.resolve("run/summary.json").toFile());
        assertThat(summary.get("steps").asLong()).isEqualTo(40);
    }

    @Test
    void fortyStraightEqualsTwentyPlusResumedTwenty(@TempDir Path tmp) throws Exception {
        List<StepMetrics> straight = new ArrayList<>();
        run(spec(tmp, tmp.resolve("a"), 40), straight);

        ObjectNode first = spec(tmp, tmp.resolve("b"), 40);
        first.put("checkpoint_every", 20);
        // an interrupted run: it dies during step 27, after the checkpoint at 20
        assertThatThrownBy(() -> new PretrainJob(PretrainSpec.parse(first, "test", null)).run(m -> {
            if (m.step() == 26) {
                throw new IllegalStateException("simulated crash");
            }
        })).hasMessage("simulated crash");
        assertThatThrownBy(() -> run(spec(tmp, tmp.resolve("b"), 40), new ArrayList<>()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("already holds a training run");
        ObjectNode second = spec(tmp, tmp.resolve("b"), 40);
        second.put("checkpoint_every", 20);
        second.put("resume", true);
        List<StepMetrics> resumed = new ArrayList<>();
        run(second, resumed);
        assertThat(resumed.getFirst().step()).isEqualTo(21);
        assertThat(resumed.stream().map(StepMetrics::loss).toList())
                .containsExactlyElementsOf(straight.subList(20, 40).stream().map(StepMetrics::loss).toList());
        var pa = TrainingCheckpoint.read(tmp.resolve("a/checkpoint-40")).parameters();
        var pb = TrainingCheckpoint.read(tmp.resolve("b/checkpoint-40")).parameters();
        for (String name : pa.names()) {
            assertThat(pb.get(name)).as(name).containsExactly(pa.get(name));
        }
        // metrics.jsonl: every step once, the re-run steps 21..26 replaced, not duplicated
        List<String> lines = Files.readAllLines(tmp.resolve("b/metrics.jsonl"));
        assertThat(lines).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(JSON.readTree(lines.get(i)).get("step").asLong()).isEqualTo(i + 1);
        }
    }
}
