package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatCommandTest {
    @Test
    void twoTurnsThenExitStreamRepliesWithReasoningBlocks(@TempDir Path tmp) {
        Path model = tmp.resolve("m");
        CliRun init = CliRun.of("init", "--config", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(),
                "--out", model.toString(), "--tokenizer", CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("hello there\n/no_think short answer\n/exit\n".getBytes(StandardCharsets.UTF_8)));
            CliRun r = CliRun.of("chat", "--model", model.toString(), "--max-tokens", "8", "--seed", "3");
            assertThat(r.exitCode()).as(r.err()).isZero();
            // turn 1 thinks (the generation prompt opens <think>), turn 2 does not (/no_think)
            String[] turns = r.out().split("> ");
            assertThat(turns).hasSizeGreaterThanOrEqualTo(3);
            assertThat(turns[1]).startsWith("<think>");
            assertThat(turns[2]).doesNotContain("<think>");
        } finally {
            System.setIn(stdin);
        }
    }
}
