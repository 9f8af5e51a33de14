package dev.nemotron.eval.math;

import java.util.Objects;

/**
 * An answer found in a completion by {@link MathAnswerExtractor}.
 *
 * @param text   the answer as written (LaTeX, not yet normalised), e.g. {@code "\\frac{1}{2}"}
 * @param source where it was found
 */
public record ExtractedAnswer(String text, Source source) {
    public ExtractedAnswer {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
    }

    /** Where an answer was found, most reliable first. */
    public enum Source {
        /** The content of the last {@code \boxed{...}} or {@code \fbox{...}}. */
        BOXED,
        /** The GSM8K marker: the rest of the line after the last {@code ####}. */
        GSM8K_MARKER,
        /** After the last "the answer is", "final answer:" or "answer:". */
        ANSWER_PHRASE,
        /** The last number in the final part (a fallback). */
        LAST_NUMBER
    }
}
