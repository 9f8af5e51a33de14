package dev.nemotron.infer.chat;

import java.util.Objects;

/**
 * A rendered prompt.
 *
 * @param text     the prompt text, special tokens spelled out
 * @param thinking {@code true} when the prompt leaves reasoning open (a {@code <think>} without a
 *                 later {@code </think>}, e.g. it ends with {@code <think>\n}): the first generated
 *                 tokens are reasoning
 */
public record RenderedPrompt(String text, boolean thinking) {
    /** The tag that opens reasoning. */
    public static final String THINK_OPEN = "<think>";
    /** The tag that closes reasoning. */
    public static final String THINK_CLOSE = "</think>";

    public RenderedPrompt {
        Objects.requireNonNull(text, "text");
    }

    /** A prompt whose reasoning state is read from its text: open iff its last {@code <think>} is not closed. */
    public static RenderedPrompt of(String text) {
        int open = text.lastIndexOf(THINK_OPEN);
        return new RenderedPrompt(text, open >= 0 && text.indexOf(THINK_CLOSE, open) < 0);
    }
}
