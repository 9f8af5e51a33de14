package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.text.tokenizer.decoder.Decoders;
import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.normalizer.Normalizers;
import dev.nemotron.text.tokenizer.text.Utf8;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Normalizers, decoders, post-processors and the lossy UTF-8 decoding. */
class NormalizerAndDecoderTest {
    private static JsonAt json(String s) {
        try {
            return new JsonAt(new ObjectMapper().readTree(s), "x", "t.json");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String normalize(String normalizer, String text) {
        return Normalizers.fromJson(json(normalizer)).normalize(text);
    }

    private static String decode(String decoder, String... tokens) {
        return String.join("", Decoders.fromJson(json(decoder)).decodeChain(List.of(tokens)));
    }

    @Test
    void unicodeForms() {
        assertThat(normalize("{\"type\": \"NFKC\"}", "ＡＢＣ①ﬁ")).isEqualTo("ABC1fi");
        assertThat(normalize("{\"type\": \"NFC\"}", "e\u0301")).isEqualTo("é");
        assertThat(normalize("{\"type\": \"NFD\"}", "é")).isEqualTo("e\u0301");
        assertThat(normalize("{\"type\": \"NFKD\"}", "ﬁé")).isEqualTo("fie\u0301");
    }

    @Test
    void lowercaseStripReplacePrependSequence() {
        assertThat(normalize("{\"type\": \"Lowercase\"}", "HeLLo ÀΣ")).isEqualTo("hello àσ");
        assertThat(normalize("{\"type\": \"Strip\", \"strip_left\": true, \"strip_right\": false}", " \u3000a b ")).isEqualTo("a b ");
        assertThat(normalize("{\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"▁\"}", "a b  c")).isEqualTo("a▁b▁▁c");
        assertThat(normalize("{\"type\": \"Replace\", \"pattern\": {\"Regex\": \"\\\\s+\"}, \"content\": \" \"}", "a \t\nb")).isEqualTo("a b");
        assertThat(normalize("{\"type\": \"Prepend\", \"prepend\": \"▁\"}", "ab")).isEqualTo("▁ab");
        assertThat(normalize("{\"type\": \"Prepend\", \"prepend\": \"▁\"}", "")).isEmpty();
        assertThat(normalize("{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Prepend\", \"prepend\": \"▁\"}, "
                + "{\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"▁\"}]}", "Hi you")).isEqualTo("▁Hi▁you");
    }

    @Test
    void llamaStyleDecoderChain() {
        String chain = """
            {"type": "Sequence", "decoders": [
              {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
              {"type": "ByteFallback"}, {"type": "Fuse"},
              {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
            """;
        assertThat(decode(chain, "▁Hello", "▁wor", "ld", "<0xE2>", "<0x82>", "<0xAC>")).isEqualTo("Hello world€");
    }

    @Test
    void metaspaceWordPieceAndBpeDecoders() {
        assertThat(decode("{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"always\"}", "▁Hey", "▁my", "▁friend"))
                .isEqualTo("Hey my friend");
        assertThat(decode("{\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\": true}", "un", "##aff", "##able", "!", "it", "'s"))
                .isEqualTo("unaffable! it's");
        assertThat(decode("{\"type\": \"BPEDecoder\", \"suffix\": \"</w>\"}", "hel", "lo</w>", "you</w>")).isEqualTo("hello you");
    }

    @Test
    void templatePostProcessorAddsBos() {
        String post = """
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
             "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [2], "tokens": ["<s>"]}}}
            """;
        Tokenizer tok = Tiny.of("null", "{\"type\": \"WhitespaceSplit\"}", Tiny.wordLevel("a", "b", "<s>"), post, "null",
                "[" + Tiny.addedToken(2, "<s>", true, false, false, false, false) + "]");
        assertThat(tok.encode("a b", true)).containsExactly(2, 0, 1);
        assertThat(tok.encode("a b", false)).containsExactly(0, 1);
        assertThat(tok.encode("a b")).containsExactly(0, 1);
        assertThat(tok.decode(new int[] {2, 0, 1}, true)).isEqualTo("a b");
        assertThat(tok.decode(new int[] {2, 0, 1}, false)).isEqualTo("<s> a b");
    }

    @Test
    void lossyUtf8ReplacesMaximalInvalidSubsequences() {
        assertThat(lossy(0xE2, 0x82)).isEqualTo("\uFFFD");
        assertThat(lossy(0xF0, 0x28, 0x61)).isEqualTo("\uFFFD(a");
        assertThat(lossy(0xC0, 0x80)).isEqualTo("\uFFFD\uFFFD");
        assertThat(lossy(0xED, 0xA0, 0x80)).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(lossy(0xF0, 0x9F, 0x99, 0x82)).isEqualTo("\uD83D\uDE42");
        assertThat(Utf8.encode("\uD800")).containsExactly((byte) 0xEF, (byte) 0xBF, (byte) 0xBD);
    }

    private static String lossy(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Utf8.decodeLossy(b, b.length);
    }
}
