package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** decode(encode(t)) == t for byte-level BPE, on a large real text and on random Unicode. */
class RoundTripTest {
    private static final String[] ALPHABET = {"a", "Z", " ", "  ", "\n", "\t", "\r\n", "é", "e\u0301", "日本", "語", "한국어",
        "\uD83D\uDE42", "\uD83D\uDC68\u200D\uD83D\uDC69", "\u00A0", "1", "23", "'s", "<think>", "</think>", "<|im_end|>",
        "—", "$$", "\\", "ا", "\uFFFD", "\u0000", "\uFEFF"};

    @Test
    void mobyDickRoundTripsThroughBothTokenizers() {
        String text = Fixtures.mobyDick();
        Tokenizer bpe = Fixtures.tokenizer("tokenizer-bpe");
        int[] ids = bpe.encode(text);
        assertThat(ids.length).isGreaterThan(text.length() / 6);
        assertThat(bpe.decode(ids, false)).isEqualTo(text);

        Tokenizer qwen = Fixtures.tokenizer("qwen3-tokenizer");
        int[] qids = qwen.encode(text);
        assertThat(qids.length).isBetween(text.length() / 6, text.length() / 3);
        assertThat(qwen.decode(qids, false)).isEqualTo(Normalizer.normalize(text, Normalizer.Form.NFC));
    }

    @Test
    void randomUnicodeRoundTrips() {
        Random rnd = new Random(42);
        for (String name : new String[] {"tokenizer-bpe", "qwen3-tokenizer"}) {
            Tokenizer tok = Fixtures.tokenizer(name);
            for (int n = 0; n < 300; n++) {
                StringBuilder sb = new StringBuilder();
                int len = rnd.nextInt(20);
                for (int i = 0; i < len; i++) {
                    if (rnd.nextInt(5) == 0) {
                        sb.appendCodePoint(1 + rnd.nextInt(0x2FFFF));
                    } else {
                        sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
                    }
                }
                // Lone surrogates cannot be UTF-8: they come back as U+FFFD, as in HF.
                String text = sb.toString().replaceAll("[\\x{D800}-\\x{DFFF}]", "\uFFFD");
                String expected = name.startsWith("qwen") ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
                assertThat(tok.decode(tok.encode(text), false)).as("%s: %s", name, text).isEqualTo(expected);
            }
        }
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        Tokenizer tok = Fixtures.tokenizer("tokenizer-bpe");
        assertThat(tok.decode(tok.encode("a\uD800b\uDC00"), false)).isEqualTo("a\uFFFDb\uFFFD");
        assertThat(tok.encode("\uD83D")).containsExactly(tok.encode("\uFFFD"));
    }

    @Test
    void skipSpecialTokensLeavesThemOut() {
        Tokenizer qwen = Fixtures.tokenizer("qwen3-tokenizer");
        int[] ids = qwen.encode("<|im_start|>user\nhi<|im_end|>");
        assertThat(qwen.decode(ids, false)).isEqualTo("<|im_start|>user\nhi<|im_end|>");
        assertThat(qwen.decode(ids, true)).isEqualTo("user\nhi");
        // <think> is an added token but not special in Qwen3: kept.
        assertThat(qwen.decode(qwen.encode("<think>x</think>"), true)).isEqualTo("<think>x</think>");
    }

    @Test
    void invalidUtf8FromByteTokensBecomesReplacementCharacter() {
        Tokenizer tok = Fixtures.tokenizer("qwen3-tokenizer");
        int[] smile = tok.encode("\uD83D\uDE42"); // 4 bytes, split over byte tokens
        int[] firstOnly = {tok.tokenToId(String.valueOf(
                dev.nemotron.text.tokenizer.text.ByteLevelAlphabet.charOf(0xF0))).orElseThrow()};
        assertThat(tok.decode(firstOnly, false)).isEqualTo("\uFFFD");
        assertThat(tok.decode(smile, false)).isEqualTo("\uD83D\uDE42");
    }
}
