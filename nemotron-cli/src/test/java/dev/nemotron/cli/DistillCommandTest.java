package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron distill} end to end: pretrain a tiny teacher, distil a smaller student into it, the data mix, bad input. */
class DistillCommandTest {
    private static final Path BPE = Path.of("../examples/tokenizers/nemotron-bpe-2k").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-M-\","
            + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}";

    @TempDir
    Path tmp;

    private Path text(String name, String line) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append(line).append(' ').append(i).append(".\n\n");
        }
        return Files.writeString(tmp.resolve(name), sb.toString());
    }

    @Test
    void distilsAStudentFromATeacherWithTheDataMix() throws Exception {
        Files.writeString(tmp.resolve("teacher.json"), CONFIG);
        Files.writeString(tmp.resolve("student.json"), CONFIG.replace("M*-M-", "M*-"));
        Path pre = text("pre.txt", "Call me Ishmael. Some years ago, paragraph");
        Path post = text("post.txt", "User: what is two plus two? Assistant: four, answer");
        CliRun t = CliRun.of("pretrain", "--model-config", tmp.resolve("teacher.json").toString(), "--tokenizer", BPE.toString(),
                "--data", pre.toString(), "--steps", "4", "--seq-len", "16", "--batch", "2", "--out",
                tmp.resolve("teacher").toString(), "--json");
        assertThat(t.exitCode()).as(t.err()).isZero();
        Path teacher = tmp.resolve("teacher/model");

        CliRun r = CliRun.of("distill", "--teacher", teacher.toString(), "--model-config", tmp.resolve("student.json").toString(),
                "--tokenizer", BPE.toString(), "--post-training-data", post.toString(), "--pretraining-data", pre.toString(),
                "--temperature", "2", "--top-k", "16", "--eval-data", pre.toString(), "--steps", "4", "--seq-len", "16",
                "--batch", "2", "--lr", "1e-2", "--out", tmp.resolve("distill").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("steps").asLong()).isEqualTo(4);
        assertThat(o.has("eval_loss")).isTrue();
        assertThat(tmp.resolve("distill/model/model.safetensors")).exists();
        assertThat(tmp.resolve("distill/loss.png")).exists();
        JsonNode record = JSON.readTree(Files.readString(tmp.resolve("distill/distill.json")));
        assertThat(record.get("post_training_fraction").asDouble()).isEqualTo(0.7);
        assertThat(record.get("top_k").asInt()).isEqualTo(16);
        JsonNode run = JSON.readTree(Files.readString(tmp.resolve("distill/run.json")));
        assertThat(run.toString()).contains("post").contains("0.7");
        // the student is the smaller config
        assertThat(Files.readString(tmp.resolve("distill/model/config.json"))).contains("\"M*-\"");

        // --student is the same as --init-model: continue the distilled student for 2 more steps
        CliRun again = CliRun.of("distill", "--teacher", teacher.toString(), "--student", tmp.resolve("distill/model").toString(),
                "--data", tmp.resolve("distill/data/pre").toString(), "--steps", "2", "--seq-len", "16", "--batch", "2",
                "--out", tmp.resolve("distill2").toString(), "--json");
        assertThat(again.exitCode()).as(again.err()).isZero();
    }

    @Test
    void badInputIsOneErrorLine() throws Exception {
        Files.writeString(tmp.resolve("student.json"), CONFIG);
        Path pre = text("pre.txt", "Call me Ishmael");
        CliRun noTeacher = CliRun.of("distill", "--model-config", tmp.resolve("student.json").toString(), "--tokenizer",
                BPE.toString(), "--data", pre.toString(), "--steps", "1", "--out", tmp.resolve("a").toString());
        assertThat(noTeacher.exitCode()).isNotZero();
        assertThat(noTeacher.err().strip()).startsWith("error:").contains("'teacher'").doesNotContain("\tat ");
        CliRun mixAndData = CliRun.of("distill", "--teacher", tmp.toString(), "--model-config",
                tmp.resolve("student.json").toString(), "--data", pre.toString(), "--post-training-data", pre.toString(),
                "--pretraining-data", pre.toString(), "--steps", "1", "--out", tmp.resolve("b").toString());
        assertThat(mixAndData.exitCode()).isNotZero();
        assertThat(mixAndData.err()).contains("not both").doesNotContain("\tat ");
        CliRun badDivergence = CliRun.of("distill", "--teacher", tmp.toString(), "--model-config",
                tmp.resolve("student.json").toString(), "--tokenizer", BPE.toString(), "--data", pre.toString(),
                "--divergence", "sideways", "--steps", "1", "--out", tmp.resolve("c").toString());
        assertThat(badDivergence.exitCode()).isNotZero();
        assertThat(badDivergence.err()).contains("divergence must be").doesNotContain("\tat ");
    }

    /**
     * What stays refused with a device: each is exactly one error line, no stack trace (the
     * distillation loss itself runs on a CUDA device: DistillGradientTest, issue18.sh distill).
     */
    @Test
    void deviceOptionsThatCannotRunAreOneErrorLineEach() throws Exception {
        Files.writeString(tmp.resolve("config.json"), CONFIG);
        Path pre = text("pre.txt", "Call me Ishmael. Some years ago, paragraph");
        CliRun t = CliRun.of("pretrain", "--model-config", tmp.resolve("config.json").toString(), "--tokenizer",
                BPE.toString(), "--data", pre.toString(), "--steps", "1", "--seq-len", "16", "--batch", "2", "--out",
                tmp.resolve("teacher").toString(), "--json");
        assertThat(t.exitCode()).as(t.err()).isZero();
        String[][] cases = {
            // a backend without a training facet
            {"backend 'java' does not train on a device", "--backend", "java"},
            // device GEMM precisions are fp32 and bf16
            {"'precision' must be fp32 or bf16", "--backend", "cuda", "--precision", "fp16"},
            // bf16 GEMM inputs exist on a device only
            {"needs a device backend", "--precision", "bf16"},
        };
        int i = 0;
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("distill", "--teacher",
                    tmp.resolve("teacher/model").toString(), "--model-config", tmp.resolve("config.json").toString(),
                    "--tokenizer", BPE.toString(), "--data", pre.toString(), "--steps", "1", "--seq-len", "16",
                    "--batch", "2", "--out", tmp.resolve("d" + i++).toString()));
            args.addAll(java.util.List.of(c).subList(1, c.length));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).contains("error: ").contains(c[0]).doesNotContain("\tat ");
            assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).as(r.err()).isEqualTo(1);
        }
    }
}
