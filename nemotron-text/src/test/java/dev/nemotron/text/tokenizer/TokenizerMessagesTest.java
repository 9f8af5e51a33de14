package dev.nemotron.text.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Found by TokenizerFuzzTest: a token holding a line break, quoted in an error, made it two lines. */
class TokenizerMessagesTest {
    @Test
    void quotedTokensStayOnOneLine() {
        String json = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a \\n\"]}}";
        assertThatThrownBy(() -> Tokenizer.fromJson(json, "tokenizer.json"))
                .isInstanceOf(TokenizerException.class)
                .hasMessageStartingWith("tokenizer.json: model.merges[0]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains("\\n"));
    }
}
