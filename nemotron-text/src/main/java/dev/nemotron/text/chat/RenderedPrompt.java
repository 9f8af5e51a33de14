package dev.nemotron.text.chat;

import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A rendered prompt.
 *
 * @param text      the prompt text, special tokens spelled out
 * @param thinking  {@code true} when the prompt leaves reasoning open (a {@code <think>} without a
 *                  later {@code </think>}, e.g. it ends with {@code <think>\n}): the first generated
 *                  tokens are reasoning
 * @param endOfTurn the marker the template ends an assistant turn with, trimmed (e.g.
 *                  {@code <SPECIAL_12>}); {@code null} when the template does not declare one
 */
public record RenderedPrompt(String text, boolean thinking, String endOfTurn) {
    /** The tag that opens reasoning. */
    public static final String THINK_OPEN = "<think>";
    /** The tag that closes reasoning. */
    public static final String THINK_CLOSE = "</think>";

    public RenderedPrompt {
        Objects.requireNonNull(text, "text");
        if (endOfTurn != null && endOfTurn.isBlank()) {
            throw new IllegalArgumentException("the end-of-turn marker must not be blank");
        }
    }

    /** A prompt without a declared end-of-turn marker. */
    public RenderedPrompt(String text, boolean thinking) {
        this(text, thinking, null);
    }

    /** A prompt whose reasoning state is read from its text: open iff its last {@code <think>} is not closed. */
    public static RenderedPrompt of(String text) {
        return of(text, null);
    }

    /** As {@link #of(String)}, with the template's end-of-turn marker (trimmed here), or {@code null}. */
    public static RenderedPrompt of(String text, String endOfTurn) {
        int open = text.lastIndexOf(THINK_OPEN);
        return new RenderedPrompt(text, open >= 0 && text.indexOf(THINK_CLOSE, open) < 0,
                endOfTurn == null ? null : endOfTurn.strip());
    }

    /**
     * The stop strings a generation from this prompt needs to end with the turn: the end-of-turn
     * marker when {@code tokenizer} does not have it as one special token (a small BPE without
     * Nemotron's {@code <SPECIAL_12>}: the model writes it as ordinary text); none when it does
     * (the model's end-of-sequence / stop token ids end the turn) or when there is no marker.
     */
    public List<String> endOfTurnStops(Tokenizer tokenizer) {
        if (endOfTurn == null) {
            return List.of();
        }
        OptionalInt id = tokenizer.tokenToId(endOfTurn);
        boolean specialToken = id.isPresent() && tokenizer.specialIds().contains(id.getAsInt());
        return specialToken ? List.of() : List.of(endOfTurn);
    }
}
