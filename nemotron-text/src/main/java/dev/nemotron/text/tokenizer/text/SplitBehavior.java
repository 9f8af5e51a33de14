package dev.nemotron.text.tokenizer.text;

import dev.nemotron.text.tokenizer.json.JsonAt;

/** What to do with the delimiters found when splitting a piece of text (HF {@code SplitDelimiterBehavior}). */
public enum SplitBehavior {
    /** Drop the delimiters. */
    REMOVED,
    /** Keep each delimiter as a piece of its own. */
    ISOLATED,
    /** Append each delimiter to the piece before it. */
    MERGED_WITH_PREVIOUS,
    /** Prepend each delimiter to the piece after it. */
    MERGED_WITH_NEXT,
    /** Keep runs of consecutive delimiters together as one piece. */
    CONTIGUOUS;

    /** Parses HF's spelling ({@code "Isolated"}, {@code "MergedWithPrevious"}, ...). */
    public static SplitBehavior parse(JsonAt at) {
        String s = at.text();
        return switch (s) {
            case "Removed" -> REMOVED;
            case "Isolated" -> ISOLATED;
            case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> MERGED_WITH_NEXT;
            case "Contiguous" -> CONTIGUOUS;
            default -> throw at.error("unknown split behavior '" + s
                    + "' (supported: Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
        };
    }
}
