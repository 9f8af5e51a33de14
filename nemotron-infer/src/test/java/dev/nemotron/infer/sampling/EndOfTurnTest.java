package dev.nemotron.infer.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.JinjaChatTemplate;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The end-of-turn rule: the marker becomes a stop string exactly when the tokenizer lacks it as a special token. */
class EndOfTurnTest {
    /** The quickstart's 2k BPE: {@code <SPECIAL_10>} is special, {@code <SPECIAL_12>} is not a token. */
    static final Tokenizer BPE_2K = Tokenizer.load(dev.nemotron.testing.Fixtures.dir("tokenizer-bpe/tokenizer.json"));

    /** A word-level tokenizer with {@code <SPECIAL_12>} as an added token, special or not. */
    static Tokenizer withMarker(boolean special) {
        return Tokenizer.fromJson("""
                {"version": "1.0", "normalizer": null, "pre_tokenizer": {"type": "WhitespaceSplit"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"hi": 0, "[UNK]": 1}},
                 "added_tokens": [{"id": 2, "content": "<SPECIAL_12>", "special": %b, "normalized": false,
                                   "lstrip": false, "rstrip": false, "single_word": false}]}
                """.formatted(special), "with-marker.json");
    }

    static RenderedPrompt nemotronPrompt() {
        return new NemotronChatTemplate().render(List.of(ChatMessage.user("What is 2 + 3?")), RenderOptions.defaults());
    }

    @Test
    void nemotronTemplateDeclaresItsTrimmedEndOfTurn() {
        assertThat(nemotronPrompt().endOfTurn()).isEqualTo("<SPECIAL_12>");
        assertThat(RenderedPrompt.of("plain").endOfTurn()).isNull();
    }

    @Test
    void markerMissingFromTheTokenizerBecomesAStopString() {
        assertThat(BPE_2K.tokenToId("<SPECIAL_12>")).isEmpty();
        SamplingParams s = EndOfTurn.stopAtEndOfTurn(nemotronPrompt(), SamplingParams.greedy(8), BPE_2K);
        assertThat(s.stop()).containsExactly("<SPECIAL_12>");
        assertThat(s.maxTokens()).isEqualTo(8);
    }

    @Test
    void markerThatIsOnlyAnOrdinaryAddedTokenIsStillAStopString() {
        assertThat(nemotronPrompt().endOfTurnStops(withMarker(false))).containsExactly("<SPECIAL_12>");
    }

    @Test
    void markerThatIsASpecialTokenChangesNothing() {
        SamplingParams greedy = SamplingParams.greedy(8);
        assertThat(nemotronPrompt().endOfTurnStops(withMarker(true))).isEmpty();
        assertThat(EndOfTurn.stopAtEndOfTurn(nemotronPrompt(), greedy, withMarker(true))).isSameAs(greedy);
    }

    @Test
    void templateWithoutAMarkerChangesNothing() {
        SamplingParams greedy = SamplingParams.greedy(8);
        RenderedPrompt jinja = JinjaChatTemplate.of("{{ messages[0].content }}", null, null)
                .render(List.of(ChatMessage.user("hi")), RenderOptions.defaults());
        assertThat(EndOfTurn.stopAtEndOfTurn(jinja, greedy, BPE_2K)).isSameAs(greedy);
    }

    @Test
    void requestStopsAreKeptAndTheMarkerIsAddedOnce() {
        SamplingParams user = SamplingParams.greedy(8).toBuilder().stop("\n\n", "<SPECIAL_12>").build();
        assertThat(EndOfTurn.stopAtEndOfTurn(nemotronPrompt(), user, BPE_2K).stop()).containsExactly("\n\n", "<SPECIAL_12>");
        SamplingParams other = SamplingParams.greedy(8).toBuilder().stop("\n\n").build();
        assertThat(EndOfTurn.stopAtEndOfTurn(nemotronPrompt(), other, BPE_2K).stop()).containsExactly("\n\n", "<SPECIAL_12>");
    }
}
