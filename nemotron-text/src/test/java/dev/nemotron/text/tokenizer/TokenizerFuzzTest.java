package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.fuzz.Fuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link Tokenizer#fromJson} with mutants of three small tokenizer.json files (byte-level
 * BPE, byte-fallback BPE with a normalizer and decoder sequence, WordLevel): every file either
 * loads, and then encodes and decodes a mixed text, or is rejected with one
 * {@link TokenizerException} line; see docs/fuzzing.md.
 */
class TokenizerFuzzTest {
    static final String TEXT = "Hello wörld <s> 123 \u4e2d\u6587 \t\n</s> 😀 hello!";

    static List<byte[]> seeds() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String f : List.of("tokenizer-bytelevel-bpe.json", "tokenizer-bytefallback.json", "tokenizer-wordlevel.json")) {
            byte[] b = Files.readAllBytes(Path.of("src/test/resources/fuzz", f));
            exercise(b); // every seed is a valid tokenizer
            out.add(b);
        }
        return out;
    }

    static void exercise(byte[] json) {
        Tokenizer t = Tokenizer.fromJson(new String(json, StandardCharsets.UTF_8), "tokenizer.json");
        int[] ids = t.encode(TEXT, true);
        for (int id : ids) {
            assertThat(t.idToToken(id)).isNotNull(); // ids may be sparse (HF allows gaps), never unknown
        }
        t.decode(ids, false);
        t.decode(ids, true);
    }

    @Test
    void loadEncodeDecode() throws IOException {
        Fuzz.target("tokenizer-json")
                .seeds(seeds())
                .clean(t -> t instanceof TokenizerException)
                .run(TokenizerFuzzTest::exercise);
    }
}
