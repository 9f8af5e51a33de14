package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pretrain|cpt|sft|dpo --ranks/--gpus}: what the launcher refuses before it starts any rank, each with
 * one error line (the runs themselves: DataParallelLauncherIT, through the real module path).
 */
class DataParallelCommandTest {
    private static final Path BPE = Path.of("../examples/tokenizers/nemotron-bpe-2k").toAbsolutePath().normalize();
    static final String CONFIG = "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
            + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}";

    @TempDir
    Path tmp;

    /** The arguments of a tiny pretraining run in {@code dir}, then {@code extra}. */
    static List<String> args(Path dir, String... extra) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            sb.append("Call me Ishmael. Some years ago, paragraph ").append(i).append(".\n\n");
        }
        Files.writeString(dir.resolve("config.json"), CONFIG);
        Files.writeString(dir.resolve("corpus.txt"), sb.toString());
        List<String> a = new ArrayList<>(List.of("pretrain", "--model-config", dir.resolve("config.json").toString(),
                "--tokenizer", BPE.toString(), "--data", dir.resolve("corpus.txt").toString(), "--seq-len", "16",
                "--lr", "1e-2", "--out", dir.resolve("run").toString()));
        a.addAll(List.of(extra));
        return a;
    }

    static void assertOneError(CliRun r, String... parts) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().filter(l -> l.startsWith("error:")).toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContain("\tat ").contains(parts);
    }

    @Test
    void aBatchThatDoesNotSplitOverTheRanksIsRefused() throws Exception {
        assertOneError(CliRun.of(args(tmp, "--steps", "3", "--batch", "3", "--ranks", "2").toArray(String[]::new)),
                "error: --batch 3 does not split evenly over 2 ranks: give a multiple of 2");
        assertThat(tmp.resolve("run/metrics.jsonl")).doesNotExist();
    }

    /** {@code args} as {@code command}'s, from {@code model} (sft and dpo start from a model). */
    private static List<String> fromModel(String command, Path model, List<String> args) {
        List<String> a = new ArrayList<>(args);
        a.set(0, command);
        int i = a.indexOf("--model-config");
        a.set(i, "--init-model");
        a.set(i + 1, model.toString());
        return a;
    }

    @Test
    void gpusWithoutAUsableDeviceFailsBeforeAnyRankStarts() throws Exception {
        CliRun r = CliRun.of(args(tmp, "--steps", "3", "--batch", "2", "--gpus", "2").toArray(String[]::new));
        if (r.exitCode() == 2 && r.err().contains("cannot train data-parallel here")) {
            assertOneError(r, "error: --backend cuda cannot train data-parallel here: ");
        } else {
            // a machine with a usable CUDA device: the launcher got as far as reading its own command line
            assertOneError(r, "cannot read this JVM's command line");
        }
    }

    @Test
    void ranksAreRefusedWhereTheyDoNotApply() throws Exception {
        assertOneError(CliRun.of(args(tmp, "--steps", "3", "--batch", "2", "--ranks", "0").toArray(String[]::new)), "--ranks must be 1 to 1024, got 0");
        assertOneError(CliRun.of(args(tmp, "--steps", "3", "--batch", "2", "--ranks", "2", "--gpus", "2").toArray(String[]::new)),
                "give --ranks or --gpus, not both");
        List<String> distill = args(tmp, "--steps", "3", "--batch", "2", "--ranks", "2");
        distill.set(0, "distill");
        assertOneError(CliRun.of(distill.toArray(String[]::new)), "error: nemotron distill does not run data-parallel ranks yet;"
                + " leave --ranks/--gpus out (pretrain, cpt, sft and dpo do)");
        List<String> grpo = args(tmp, "--steps", "3", "--batch", "2", "--gpus", "2");
        grpo.set(0, "grpo");
        assertOneError(CliRun.of(grpo.toArray(String[]::new)), "error: nemotron grpo does not run data-parallel ranks yet");
    }

    @Test
    void sftAndDpoRanksAreCheckedAsPretrainsBeforeAnyRankStarts() throws Exception {
        Path model = TinyChatModel.create(tmp);
        for (String command : List.of("sft", "dpo")) {
            List<String> odd = fromModel(command, model, args(tmp, "--steps", "3", "--batch", "3", "--ranks", "2"));
            assertOneError(CliRun.of(odd.toArray(String[]::new)), "error: --batch 3 does not split evenly over 2 ranks: give a multiple of 2");
            // a batch that splits: on to the launcher (which, in a test JVM, cannot restart itself)
            List<String> even = fromModel(command, model, args(tmp, "--steps", "3", "--batch", "2", "--ranks", "2"));
            assertOneError(CliRun.of(even.toArray(String[]::new)), "cannot read this JVM's command line to start the ranks");
        }
        assertThat(tmp.resolve("run/metrics.jsonl")).doesNotExist();
    }

    @Test
    void inATestJvmTheLauncherSaysItCannotRestartItself() throws Exception {
        assertOneError(CliRun.of(args(tmp, "--steps", "3", "--batch", "2", "--ranks", "2").toArray(String[]::new)),
                "cannot read this JVM's command line to start the ranks");
    }
}
