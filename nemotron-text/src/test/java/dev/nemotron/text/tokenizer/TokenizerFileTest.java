package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** tokenizer.json is one JSON value in a regular file. */
class TokenizerFileTest {
    private static final String BPE = "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\"]}";

    @Test
    void trailingContentIsRejected() {
        String json = Tiny.json("null", "null", BPE, "null", "null", "[]");
        assertThat(Tokenizer.fromJson(json + "\n", "t.json").vocabSize()).isEqualTo(3);
        assertThatThrownBy(() -> Tokenizer.fromJson(json + "{}", "t.json")).isInstanceOf(TokenizerException.class)
                .hasMessageStartingWith("t.json: not valid JSON (line ").hasMessageContaining("unexpected text after the JSON value");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNamedPipeIsRefusedWithoutOpeningIt(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("tokenizer.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        assertThatThrownBy(() -> Tokenizer.load(dir)).isInstanceOf(TokenizerException.class).hasMessage(fifo + ": not a regular file");
    }
}
