package dev.nemotron.compress.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.train.data.DatasetWriter;
import dev.nemotron.train.data.WriterOptions;
import dev.nemotron.train.pretrain.PretrainJob;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.pretrain.PretrainSpec;
import dev.nemotron.train.trainer.StepMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole distillation runs on a tiny model: a teacher pretrained here, real Arrow data, resume. */
class DistillJobTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = "{\"vocab_size\": 24, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-M-\","
            + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"initializer_range\": 0.1}";

    @TempDir
    static Path shared;
    static Path teacher;

    /** Documents counting upwards mod 23 from seeded starts (23 = EOS). */
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

    static ObjectNode base(Path out, long steps) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("data").add(shared.resolve("train").toString());
        n.put("eval_data", shared.resolve("held").toString());
        n.put("eval_every", 3);
        n.put("eval_sequences", 4);
        n.put("steps", steps);
        n.put("seq_len", 16);
        n.put("batch", 2);
        n.put("lr", 1e-2);
        n.put("warmup", 1);
        n.put("seed", 5);
        n.put("threads", 2);
        n.put("out", out.toString());
        return n;
    }

    @BeforeAll
    static void trainTeacher() throws Exception {
        Files.writeString(shared.resolve("config.json"), CONFIG);
        dataset(shared.resolve("train"), "count", 1, 300);
        dataset(shared.resolve("held"), "count-heldout", 2, 40);
        ObjectNode n = base(shared.resolve("teacher-run"), 30);
        n.put("model_config", shared.resolve("config.json").toString());
        teacher = new PretrainJob(PretrainSpec.parse(n, "teacher", null)).run(m -> { }).model();
    }

    static ObjectNode distill(Path out, long steps) {
        ObjectNode n = base(out, steps);
        n.put("teacher", teacher.toString());
        n.put("model_config", shared.resolve("config.json").toString());
        n.put("temperature", 2.0);
        return n;
    }

    static PretrainResult run(ObjectNode n, List<StepMetrics> seen) {
        return new DistillJob(DistillSpec.parse(n, "test", null)).run(seen::add);
    }

    @Test
    void aStudentEqualToItsTeacherStartsAtZeroKl(@TempDir Path tmp) {
        ObjectNode n = distill(tmp.resolve("run"), 1);
        n.remove("model_config");
        n.put("student", teacher.toString());
        List<StepMetrics> seen = new ArrayList<>();
        run(n, seen);
        assertThat(seen.getFirst().loss()).isEqualTo(0.0);
        assertThat(seen.getFirst().gradNorm()).isEqualTo(0.0);
    }

    @Test
    void distillationLowersTheKlAndTheHeldOutLossAndWritesTheRunRecords(@TempDir Path tmp) throws Exception {
        List<StepMetrics> seen = new ArrayList<>();
        PretrainResult r = run(distill(tmp.resolve("run"), 24), seen);
        double firstKl = seen.subList(0, 3).stream().mapToDouble(StepMetrics::loss).average().orElseThrow();
        double lastKl = seen.subList(21, 24).stream().mapToDouble(StepMetrics::loss).average().orElseThrow();
        assertThat(lastKl).isLessThan(firstKl * 0.7);
        assertThat(r.evalLoss()).isLessThan(r.initialEvalLoss());
        assertThat(tmp.resolve("run/model/model.safetensors")).isRegularFile();
        assertThat(tmp.resolve("run/loss.png")).isRegularFile();
        var record = JSON.readTree(Files.readString(tmp.resolve("run/distill.json")));
        assertThat(record.get("divergence").asText()).isEqualTo("forward");
        assertThat(record.get("temperature").asDouble()).isEqualTo(2.0);
    }

    @Test
    void aStoppedAndResumedRunIsBitIdenticalToAStraightOne(@TempDir Path tmp) throws Exception {
        List<StepMetrics> straight = new ArrayList<>();
        ObjectNode s = distill(tmp.resolve("straight"), 8);
        s.put("divergence", "reverse");
        s.put("top_k", 5);
        run(s, straight);
        ObjectNode first = distill(tmp.resolve("split"), 8);
        first.put("divergence", "reverse");
        first.put("top_k", 5);
        first.put("stop_at", 3);
        List<StepMetrics> part = new ArrayList<>();
        run(first, part);
        ObjectNode second = first.deepCopy();
        second.remove("stop_at");
        second.put("resume", true);
        run(second, part);
        assertThat(part.stream().map(StepMetrics::loss).toList()).isEqualTo(straight.stream().map(StepMetrics::loss).toList());
        assertThat(Files.readAllBytes(tmp.resolve("split/model/model.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("straight/model/model.safetensors")));
        // resuming with other distillation settings is refused
        ObjectNode other = second.deepCopy();
        other.put("temperature", 1.0);
        assertThatThrownBy(() -> run(other, new ArrayList<>())).isInstanceOf(NemotronException.class)
                .hasMessageContaining("resume with the same --teacher, --temperature");
    }

    @Test
    void theDataMixBlendsPostTrainingAndPretrainingData(@TempDir Path tmp) {
        ObjectNode n = distill(tmp.resolve("run"), 1);
        n.remove("data");
        n.put("post_training_data", shared.resolve("train").toString());
        n.put("pretraining_data", shared.resolve("held").toString());
        DistillSpec spec = DistillSpec.parse(n, "test", null);
        assertThat(spec.pretrain().data()).hasSize(2);
        assertThat(spec.pretrain().data().get(0).weight()).isEqualTo(0.7);
        assertThat(spec.pretrain().data().get(1).weight()).isEqualTo(0.30000000000000004);
        assertThat(spec.postTrainingFraction()).isEqualTo(0.7);
        ObjectNode both = n.deepCopy();
        both.putArray("data").add("x");
        assertThatThrownBy(() -> DistillSpec.parse(both, "test", null)).hasMessageContaining("not both");
        ObjectNode half = distill(tmp.resolve("run"), 1);
        half.put("post_training_data", "x");
        half.remove("data");
        assertThatThrownBy(() -> DistillSpec.parse(half, "test", null)).hasMessageContaining("needs both");
    }

    @Test
    void badInputGetsOneClearError(@TempDir Path tmp) throws Exception {
        ObjectNode noTeacher = distill(tmp.resolve("a"), 1);
        noTeacher.remove("teacher");
        assertThatThrownBy(() -> DistillSpec.parse(noTeacher, "test", null)).hasMessageContaining("missing required field 'teacher'");
        ObjectNode typo = distill(tmp.resolve("a"), 1);
        typo.put("temprature", 2);
        assertThatThrownBy(() -> DistillSpec.parse(typo, "test", null)).hasMessageContaining("unknown field 'temprature'");
        // a student with another vocabulary
        Path other = tmp.resolve("other.json");
        Files.writeString(other, CONFIG.replace("\"vocab_size\": 24", "\"vocab_size\": 30"));
        ObjectNode vocab = distill(tmp.resolve("b"), 1);
        vocab.put("model_config", other.toString());
        assertThatThrownBy(() -> run(vocab, new ArrayList<>())).isInstanceOf(NemotronException.class)
                .hasMessageContaining("needs the same tokenizer");
    }
}
