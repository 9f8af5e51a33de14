package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** BPE options: byte_fallback, unk_token with fuse_unk, ignore_merges, continuing_subword_prefix, merge order. */
class BpeModelTest {
    private static String byteVocab(int firstId) {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            sb.append(", \"").append(String.format("<0x%02X>", b)).append("\": ").append(firstId + b);
        }
        return sb.toString();
    }

    @Test
    void byteFallbackEncodesUnknownCharactersAsBytesAndDecodesThemBack() {
        String model = """
            {"type": "BPE", "byte_fallback": true, "vocab": {"a": 0, "b": 1, "ab": 2 %s}, "merges": ["a b"]}
            """.formatted(byteVocab(3));
        String decoder = "{\"type\": \"Sequence\", \"decoders\": [{\"type\": \"ByteFallback\"}, {\"type\": \"Fuse\"}]}";
        Tokenizer tok = Tiny.of("null", "null", model, "null", decoder, "[]");
        int[] ids = tok.encode("ab€");
        assertThat(ids).containsExactly(2, 3 + 0xE2, 3 + 0x82, 3 + 0xAC);
        assertThat(tok.tokenize("ab€")).containsExactly("ab", "<0xE2>", "<0x82>", "<0xAC>");
        assertThat(tok.decode(ids, false)).isEqualTo("ab€");
        // An incomplete UTF-8 sequence becomes one U+FFFD per byte, as HF's ByteFallback decoder does.
        assertThat(tok.decode(new int[] {2, 3 + 0xE2, 3 + 0x82, 0}, false)).isEqualTo("ab\uFFFD\uFFFDa");
    }

    @Test
    void unknownCharactersBecomeUnkFusedOrNot() {
        String vocab = "\"vocab\": {\"<unk>\": 0, \"a\": 1, \"b\": 2}, \"merges\": []";
        Tokenizer fused = Tiny.of("null", "null", "{\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"fuse_unk\": true, " + vocab + "}", "null", "null", "[]");
        Tokenizer unfused = Tiny.of("null", "null", "{\"type\": \"BPE\", \"unk_token\": \"<unk>\", " + vocab + "}", "null", "null", "[]");
        Tokenizer noUnk = Tiny.of("null", "null", "{\"type\": \"BPE\", " + vocab + "}", "null", "null", "[]");
        assertThat(fused.encode("axyb")).containsExactly(1, 0, 2);
        assertThat(unfused.encode("axyb")).containsExactly(1, 0, 0, 2);
        assertThat(noUnk.encode("axyb")).containsExactly(1, 2);
    }

    @Test
    void ignoreMergesEmitsWholeWordsThatAreInTheVocabulary() {
        String vocab = "\"vocab\": {\"a\": 0, \"b\": 1, \"c\": 2, \"abc\": 3}, \"merges\": []";
        assertThat(Tiny.of("null", "null", "{\"type\": \"BPE\", \"ignore_merges\": true, " + vocab + "}", "null", "null", "[]")
                .encode("abc")).containsExactly(3);
        assertThat(Tiny.of("null", "null", "{\"type\": \"BPE\", " + vocab + "}", "null", "null", "[]")
                .encode("abc")).containsExactly(0, 1, 2);
    }

    @Test
    void mergesApplyByRankThenLeftmost() {
        // "b c" has the best rank, so "abc" becomes a + bc, not ab + c; equal pairs merge leftmost first.
        String model = """
            {"type": "BPE", "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4, "aa": 5},
             "merges": [["b", "c"], ["a", "b"], ["a", "a"]]}
            """;
        Tokenizer tok = Tiny.of("null", "null", model, "null", "null", "[]");
        assertThat(tok.encode("abc")).containsExactly(0, 4);
        assertThat(tok.encode("ab")).containsExactly(3);
        assertThat(tok.encode("aaa")).containsExactly(5, 0);
    }

    @Test
    void continuingSubwordPrefixAndEndOfWordSuffix() {
        String model = """
            {"type": "BPE", "continuing_subword_prefix": "##", "end_of_word_suffix": "</w>",
             "vocab": {"a": 0, "##b": 1, "##c</w>": 2, "ab": 3, "abc</w>": 4, "b": 5, "##b</w>": 6, "ab</w>": 7},
             "merges": ["a ##b", "ab ##c</w>", "a ##b</w>"]}
            """;
        Tokenizer tok = Tiny.of("null", "{\"type\": \"WhitespaceSplit\"}", model, "null", "null", "[]");
        assertThat(tok.encode("abc ab")).containsExactly(4, 7);
    }
}
