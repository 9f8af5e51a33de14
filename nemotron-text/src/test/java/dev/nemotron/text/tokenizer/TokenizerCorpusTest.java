package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exact ids and decoded text of HF tokenizers on a large real text set (5,664 texts: all of
 * Moby-Dick, GSM8K, HumanEval, Unicode stress cases; see fixtures/NOTICE.md).
 */
class TokenizerCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = dev.nemotron.testing.Fixtures.root();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"qwen3, qwen3-tokenizer/tokenizer.json", "bpe, tokenizer-bpe/tokenizer.json"})
    void idsAndDecodedTextMatchHfTokenizers(String corpus, String tokenizerPath) throws IOException {
        Tokenizer tok = Tokenizer.load(FIXTURES.resolve(tokenizerPath));
        List<String> mismatches = new ArrayList<>();
        int texts = 0;
        long tokens = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(FIXTURES.resolve("tokenizer-corpus/" + corpus + ".jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode o = JSON.readTree(line);
                String text = o.get("text").asText();
                int[] expected = new int[o.get("ids").size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = o.get("ids").get(i).asInt();
                }
                int[] ids = tok.encode(text);
                if (!Arrays.equals(ids, expected)) {
                    mismatches.add("ids of text " + texts + ": " + abbreviate(text));
                } else if (!tok.decode(ids, false).equals(o.get("decoded").asText())) {
                    mismatches.add("decoded text " + texts + ": " + abbreviate(text));
                }
                texts++;
                tokens += expected.length;
            }
        }
        assertThat(texts).isGreaterThan(5000);
        assertThat(tokens).isGreaterThan(300_000);
        assertThat(mismatches).as("%d of %d texts differ", mismatches.size(), texts).isEmpty();
    }

    private static String abbreviate(String s) {
        String t = s.replace("\n", "\\n");
        return t.length() > 80 ? t.substring(0, 80) + "..." : t;
    }
}
