package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Ids come from the file: a huge one is a token like any other, never the size of a table. */
class HugeIdsTest {
    private static final int HUGE = 2_147_483_000;

    @Test
    void bpeWithAHugeIdLoadsEncodesAndDecodes() {
        String model = "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": " + HUGE + ", \"ab\": 2}, \"merges\": [\"a b\"]}";
        Tokenizer t = Tiny.of("null", "null", model, "null", "null", "[]");
        assertThat(t.idToToken(HUGE)).isEqualTo("b");
        assertThat(t.encode("ba", false)).containsExactly(HUGE, 0);
        assertThat(t.decode(new int[] {HUGE, 1, 0}, false)).isEqualTo("b a");
        assertThat(t.vocabSize()).isEqualTo(3);
        assertThat(t.ids()).containsExactly(0, 2, HUGE);
        assertThatThrownBy(() -> t.idToToken(HUGE - 1)).isInstanceOf(TokenizerException.class)
                .hasMessage("tiny.json: no token has id " + (HUGE - 1) + " (vocabulary size 3)");
    }

    @Test
    void wordLevelAndAddedTokensWithHugeIds() {
        String model = "{\"type\": \"WordLevel\", \"unk_token\": \"[UNK]\", \"vocab\": {\"x\": " + HUGE + ", \"[UNK]\": 1}}";
        Tokenizer t = Tiny.of("null", "null", model, "null", "null",
                "[" + Tiny.addedToken(Integer.MAX_VALUE, "<eos>", true, false, false, false, false) + "]");
        assertThat(t.idToToken(HUGE)).isEqualTo("x");
        assertThat(t.idToToken(Integer.MAX_VALUE)).isEqualTo("<eos>");
        assertThat(t.ids()).containsExactly(1, HUGE, Integer.MAX_VALUE);
    }
}
