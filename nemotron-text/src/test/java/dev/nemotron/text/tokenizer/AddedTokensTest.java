package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Added tokens: lstrip, rstrip, single_word, normalized, longest match first. */
class AddedTokensTest {
    // ids: a=0, " a"=1, "a "=2, <mask>=3, "[UNK]"=4
    private static final String MODEL = Tiny.wordLevel("a", " a", "a ", "<mask>");

    private static Tokenizer withMask(boolean lstrip, boolean rstrip, boolean singleWord) {
        return Tiny.of("null", "null", MODEL, "null", "null",
                "[" + Tiny.addedToken(3, "<mask>", true, false, lstrip, rstrip, singleWord) + "]");
    }

    @Test
    void withoutStripTheSpacesStayInTheText() {
        assertThat(withMask(false, false, false).encode("a <mask> a")).containsExactly(2, 3, 1);
    }

    @Test
    void lstripSwallowsSpacesOnTheLeft() {
        assertThat(withMask(true, false, false).encode("a <mask> a")).containsExactly(0, 3, 1);
    }

    @Test
    void rstripSwallowsSpacesOnTheRight() {
        assertThat(withMask(false, true, false).encode("a <mask> a")).containsExactly(2, 3, 0);
        assertThat(withMask(true, true, false).encode("a   <mask>   a")).containsExactly(0, 3, 0);
    }

    @Test
    void singleWordOnlyMatchesOutsideWords() {
        assertThat(withMask(false, false, false).encode("a<mask>a")).containsExactly(0, 3, 0);
        assertThat(withMask(false, false, true).encode("a<mask>a")).containsExactly(4);
        assertThat(withMask(false, false, true).encode("a <mask> a")).containsExactly(2, 3, 1);
    }

    @Test
    void longestMatchWins() {
        Tokenizer tok = Tiny.of("null", "null", Tiny.wordLevel("x"), "null", "null",
                "[" + Tiny.addedToken(1, "<a>", true, false, false, false, false) + ","
                        + Tiny.addedToken(2, "<a><b>", true, false, false, false, false) + "]");
        assertThat(tok.encode("<a><b><a>")).containsExactly(2, 1);
        assertThat(tok.specialIds()).containsExactlyInAnyOrder(1, 2);
        assertThat(tok.decode(new int[] {2, 0, 1}, true)).isEqualTo("x");
    }

    @Test
    void normalizedTokensMatchTheNormalizedText() {
        Tokenizer tok = Tiny.of("{\"type\": \"Lowercase\"}", "null", Tiny.wordLevel("x"), "null", "null",
                "[" + Tiny.addedToken(5, "HELLO", false, true, false, false, false) + "]");
        assertThat(tok.encode("xHeLLox")).containsExactly(0, 5, 0);
        Tokenizer raw = Tiny.of("{\"type\": \"Lowercase\"}", "null", Tiny.wordLevel("x", "hello"), "null", "null",
                "[" + Tiny.addedToken(5, "HELLO", false, false, false, false, false) + "]");
        assertThat(raw.encode("HELLO")).containsExactly(5);
        assertThat(raw.encode("HeLLo")).containsExactly(1);
    }

    @Test
    void specialTokensInTextAreMatchedWithOrWithoutPostProcessing() {
        Tokenizer tok = Fixtures.tokenizer("tokenizer-bpe");
        assertThat(tok.encode("<think></think>")).containsExactly(3, 4);
        assertThat(tok.encode("<SPECIAL_10>")).containsExactly(5);
    }
}
