package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Vocabulary queries and loading by file or directory. */
class TokenizerApiTest {
    @Test
    void vocabularyQueries() {
        Tokenizer qwen = Fixtures.tokenizer("qwen3-tokenizer");
        assertThat(qwen.vocabSize()).isEqualTo(151_643 + 26);
        assertThat(qwen.tokenToId("<|im_start|>")).hasValue(151_644);
        assertThat(qwen.tokenToId("Hello")).hasValue(9707);
        assertThat(qwen.tokenToId("no such token at all")).isEmpty();
        assertThat(qwen.idToToken(151_667)).isEqualTo("<think>");
        assertThat(qwen.idToToken(1879)).isEqualTo("Ġworld");
        assertThat(qwen.specialIds()).hasSize(14).contains(151_643, 151_644, 151_645).doesNotContain(151_667);
        assertThatThrownBy(() -> qwen.idToToken(999_999)).isInstanceOf(TokenizerException.class).hasMessageContaining("999999");
    }

    @Test
    void loadsFileOrDirectory() {
        Path dir = Fixtures.dir("tokenizer-bpe");
        Tokenizer a = Tokenizer.load(dir);
        Tokenizer b = Tokenizer.load(dir.resolve("tokenizer.json"));
        assertThat(a.encode("Hello, world!")).containsExactly(b.encode("Hello, world!"));
        assertThat(a.vocabSize()).isEqualTo(2000);
        assertThat(a.specialIds()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void qwenByteLevelPostProcessorAddsNothing() {
        Tokenizer qwen = Fixtures.tokenizer("qwen3-tokenizer");
        assertThat(qwen.encode("Hello, world!", true)).containsExactly(qwen.encode("Hello, world!"));
    }

    @Test
    void unknownIdsAreSkippedWhenDecoding() {
        Tokenizer tok = Fixtures.tokenizer("tokenizer-bpe");
        assertThat(tok.decode(new int[] {421, 99_999, 81, -1}, false)).isEqualTo("Hel");
    }
}
