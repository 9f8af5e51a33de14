package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.pretokenizer.PreTokenizer;
import dev.nemotron.text.tokenizer.pretokenizer.PreTokenizers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pre-tokenizers: Split behaviours and invert, Digits, Whitespace(Split), Punctuation, Metaspace, ByteLevel. */
class PreTokenizerTest {
    static List<String> split(String json, String text) {
        return split(json, text, true);
    }

    static List<String> split(String json, String text, boolean atStart) {
        try {
            PreTokenizer p = PreTokenizers.fromJson(new JsonAt(new ObjectMapper().readTree(json), "pre_tokenizer", "t.json"));
            return p.preTokenize(List.of(text), atStart);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String splitOn(String pattern, String behavior, boolean invert) {
        return "{\"type\": \"Split\", \"pattern\": " + pattern + ", \"behavior\": \"" + behavior + "\", \"invert\": " + invert + "}";
    }

    @Test
    void splitBehaviours() {
        String text = "the-final--countdown";
        String dash = "{\"String\": \"-\"}";
        assertThat(split(splitOn(dash, "Removed", false), text)).containsExactly("the", "final", "countdown");
        assertThat(split(splitOn(dash, "Isolated", false), text)).containsExactly("the", "-", "final", "-", "-", "countdown");
        assertThat(split(splitOn(dash, "MergedWithPrevious", false), text)).containsExactly("the-", "final-", "-", "countdown");
        assertThat(split(splitOn(dash, "MergedWithNext", false), text)).containsExactly("the", "-final", "-", "-countdown");
        assertThat(split(splitOn(dash, "Contiguous", false), text)).containsExactly("the", "-", "final", "--", "countdown");
    }

    @Test
    void splitWithRegexAndInvert() {
        String words = "{\"Regex\": \"\\\\w+\"}";
        assertThat(split(splitOn(words, "Removed", true), "hi, you!")).containsExactly("hi", "you");
        assertThat(split(splitOn(words, "Removed", false), "hi, you!")).containsExactly(", ", "!");
        // Regexes are Unicode-aware as in Oniguruma: \s matches U+3000, \w matches é.
        assertThat(split(splitOn("{\"Regex\": \"\\\\s+\"}", "Removed", false), "café\u3000bar")).containsExactly("café", "bar");
    }

    @Test
    void digits() {
        assertThat(split("{\"type\": \"Digits\", \"individual_digits\": true}", "Call 123 please"))
                .containsExactly("Call ", "1", "2", "3", " please");
        assertThat(split("{\"type\": \"Digits\", \"individual_digits\": false}", "Call 123 please"))
                .containsExactly("Call ", "123", " please");
    }

    @Test
    void whitespaceAndPunctuation() {
        assertThat(split("{\"type\": \"Whitespace\"}", "Hey friend!     How are you?!?"))
                .containsExactly("Hey", "friend", "!", "How", "are", "you", "?!?");
        assertThat(split("{\"type\": \"WhitespaceSplit\"}", "Hey friend!  \tHow?"))
                .containsExactly("Hey", "friend!", "How?");
        assertThat(split("{\"type\": \"Punctuation\"}", "Hey, you!?")).containsExactly("Hey", ",", " you", "!", "?");
        assertThat(split("{\"type\": \"Punctuation\", \"behavior\": \"Contiguous\"}", "Hey, you!?")).containsExactly("Hey", ",", " you", "!?");
    }

    @Test
    void metaspace() {
        String always = "{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"always\", \"split\": true}";
        assertThat(split(always, "Hey my friend")).containsExactly("▁Hey", "▁my", "▁friend");
        String first = "{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"first\", \"split\": false}";
        assertThat(split(first, "Hey you")).containsExactly("▁Hey▁you");
        assertThat(split(first, "Hey you", false)).containsExactly("Hey▁you");
        String never = "{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"never\"}";
        assertThat(split(never, "Hey you")).containsExactly("Hey", "▁you");
    }

    @Test
    void byteLevelWithPrefixSpaceAndGpt2Regex() {
        assertThat(split("{\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"use_regex\": true}", "Hello world's 42\n"))
                .containsExactly("ĠHello", "Ġworld", "'s", "Ġ42", "Ċ");
        assertThat(split("{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": false}", "é x"))
                .containsExactly("Ã©Ġx");
    }

    @Test
    void sequenceAppliesInOrder() {
        String seq = "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"WhitespaceSplit\"}, "
                + "{\"type\": \"Digits\", \"individual_digits\": true}]}";
        assertThat(split(seq, "ab12 c3")).containsExactly("ab", "1", "2", "c", "3");
    }
}
