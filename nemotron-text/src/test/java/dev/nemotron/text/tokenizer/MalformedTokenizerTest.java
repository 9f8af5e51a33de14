package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A malformed tokenizer.json gives one clear line naming the file and the JSON path. */
class MalformedTokenizerTest {
    private static final String BPE = "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\"]}";

    @Test
    void notJson(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": ");
        assertThatThrownBy(() -> Tokenizer.load(f)).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith(f + ": not valid JSON (line 1").hasMessageNotContaining("\n");
    }

    @Test
    void missingFileOrDirectoryWithoutTokenizerJson(@TempDir Path dir) {
        assertThatThrownBy(() -> Tokenizer.load(dir.resolve("nope.json"))).isInstanceOf(TokenizerException.class)
                .hasMessage(dir.resolve("nope.json") + ": no such file");
        assertThatThrownBy(() -> Tokenizer.load(dir)).isInstanceOf(TokenizerException.class)
                .hasMessage(dir.resolve("tokenizer.json") + ": no tokenizer.json in this directory");
    }

    @Test
    void missingModel() {
        assertThatThrownBy(() -> Tokenizer.fromJson("{\"version\": \"1.0\", \"added_tokens\": []}", "tok.json"))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("tok.json: model: missing field (every tokenizer.json has a model)");
    }

    @Test
    void unknownPreTokenizerTypeNamesTypeAndPath() {
        String pre = "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Digits\"}, {\"type\": \"Frobnicate\"}]}";
        assertThatThrownBy(() -> Tiny.of("null", pre, BPE, "null", "null", "[]"))
                .isInstanceOf(TokenizerException.class)
                .hasMessageStartingWith("tiny.json: pre_tokenizer.pretokenizers[1].type: unknown pre-tokenizer type 'Frobnicate' (supported: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void unknownModelNormalizerDecoderAndProcessorTypes() {
        assertThatThrownBy(() -> Tiny.of("null", "null", "{\"type\": \"Unigram\", \"vocab\": []}", "null", "null", "[]"))
                .hasMessageStartingWith("tiny.json: model.type: unknown model type 'Unigram'");
        assertThatThrownBy(() -> Tiny.of("{\"type\": \"Bogus\"}", "null", BPE, "null", "null", "[]"))
                .hasMessageStartingWith("tiny.json: normalizer.type: unknown normalizer type 'Bogus'");
        assertThatThrownBy(() -> Tiny.of("null", "null", BPE, "null", "{\"type\": \"CTC\"}", "[]"))
                .hasMessageStartingWith("tiny.json: decoder.type: unknown decoder type 'CTC'");
        assertThatThrownBy(() -> Tiny.of("null", "null", BPE, "{\"type\": \"Nope\"}", "null", "[]"))
                .hasMessageStartingWith("tiny.json: post_processor.type: unknown post-processor type 'Nope'");
    }

    @Test
    void mergeReferringToUnknownToken() {
        String model = "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\", \"a c\"]}";
        assertThatThrownBy(() -> Tiny.of("null", "null", model, "null", "null", "[]"))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("tiny.json: model.merges[1]: merge refers to token 'c', which is not in the vocabulary");
        String unmerged = "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [[\"a\", \"b\"]]}";
        assertThatThrownBy(() -> Tiny.of("null", "null", unmerged, "null", "null", "[]"))
                .hasMessage("tiny.json: model.merges[0]: merge refers to token 'ab', which is not in the vocabulary");
    }

    @Test
    void badFieldTypesAndRegexes() {
        String split = "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"(unclosed\"}, \"behavior\": \"Isolated\"}";
        assertThatThrownBy(() -> Tiny.of("null", split, BPE, "null", "null", "[]"))
                .hasMessageStartingWith("tiny.json: pre_tokenizer.pattern.Regex: unsupported regex: ");
        String badBehavior = "{\"type\": \"Split\", \"pattern\": {\"String\": \"x\"}, \"behavior\": \"Sideways\"}";
        assertThatThrownBy(() -> Tiny.of("null", badBehavior, BPE, "null", "null", "[]"))
                .hasMessageStartingWith("tiny.json: pre_tokenizer.behavior: unknown split behavior 'Sideways'");
        assertThatThrownBy(() -> Tiny.of("null", "null", BPE, "null", "null", "[{\"id\": \"x\", \"content\": \"<s>\"}]"))
                .hasMessage("tiny.json: added_tokens[0].id: expected a non-negative integer, got \"x\"");
    }
}
