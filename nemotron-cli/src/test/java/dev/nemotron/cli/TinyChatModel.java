package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A freshly initialised tiny hybrid model ({@code M*-}, vocabulary 2,048) with the 2k BPE
 * tokenizer beside it: the smallest model that reads and writes chat text, for the alignment
 * command tests (the shared fixtures' 512-token models have no tokenizer).
 */
final class TinyChatModel {
    static final Path BPE = Path.of("../examples/tokenizers/nemotron-bpe-2k").toAbsolutePath().normalize();
    static final String CONFIG = "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
            + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}";

    private TinyChatModel() {
    }

    /** {@code nemotron init} of {@link #CONFIG} (seed 3) into {@code dir/init}, with the tokenizer; returns that directory. */
    static Path create(Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        CliRun init = CliRun.of("init", "--config", dir.resolve("config.json").toString(), "--out", dir.resolve("init").toString(),
                "--seed", "3");
        assertThat(init.exitCode()).as(init.err()).isZero();
        Files.copy(BPE.resolve("tokenizer.json"), dir.resolve("init/tokenizer.json"));
        return dir.resolve("init");
    }
}
