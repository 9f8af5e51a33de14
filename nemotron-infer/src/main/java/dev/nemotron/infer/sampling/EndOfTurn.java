package dev.nemotron.infer.sampling;

import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends a chat generation with the turn. (Was {@code RenderedPrompt.stopAtEndOfTurn} before chat
 * templates moved to nemotron-text, which cannot see {@link SamplingParams}.)
 */
public final class EndOfTurn {
    private EndOfTurn() {
    }

    /**
     * {@code sampling} with {@link RenderedPrompt#endOfTurnStops} added to its stop strings (once):
     * every chat request built from {@code prompt} goes through here, so the reply ends before the
     * marker and the generation finishes with {@code stop}.
     */
    public static SamplingParams stopAtEndOfTurn(RenderedPrompt prompt, SamplingParams sampling, Tokenizer tokenizer) {
        List<String> stops = new ArrayList<>(sampling.stop());
        for (String s : prompt.endOfTurnStops(tokenizer)) {
            if (!stops.contains(s)) {
                stops.add(s);
            }
        }
        return stops.size() == sampling.stop().size() ? sampling : sampling.toBuilder().stop(stops).build();
    }
}
