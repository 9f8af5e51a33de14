package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every entry of both golden.json files: the ids (and tokens and decoded text where given) HF tokenizers gives. */
class GoldenTest {
    static Stream<Arguments> cases() throws IOException {
        List<Arguments> all = new ArrayList<>();
        for (String fixture : List.of("tokenizer-bpe", "qwen3-tokenizer")) {
            JsonNode golden = new ObjectMapper().readTree(Files.readString(Fixtures.dir(fixture).resolve("golden.json")));
            int i = 0;
            for (JsonNode c : golden) {
                all.add(Arguments.of(fixture, i++, c));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} #{1}")
    @MethodSource("cases")
    void matchesHf(String fixture, int index, JsonNode c) {
        Tokenizer tok = Fixtures.tokenizer(fixture);
        String text = c.get("text").textValue();
        int[] expected = new int[c.get("ids").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = c.get("ids").get(i).intValue();
        }
        int[] ids = tok.encode(text);
        assertThat(ids).as("ids of %s", text).containsExactly(expected);
        if (c.has("tokens")) {
            List<String> tokens = new ArrayList<>();
            c.get("tokens").forEach(t -> tokens.add(t.textValue()));
            assertThat(tok.tokenize(text)).containsExactlyElementsOf(tokens);
        }
        // Qwen3 normalizes with NFC, so its decoded text is the NFC form of the input.
        String decoded = c.has("decoded") ? c.get("decoded").textValue() : Normalizer.normalize(text, Normalizer.Form.NFC);
        assertThat(tok.decode(ids, false)).isEqualTo(decoded);
    }
}
