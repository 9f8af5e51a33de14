package dev.nemotron.eval.math;

/**
 * Separates a completion's {@code <think>...</think>} reasoning from its final answer part: only
 * the final part is searched for an answer, so a number tried and rejected while thinking never
 * counts.
 */
public final class Reasoning {
    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    private Reasoning() {
    }

    /**
     * The part of {@code completion} after its reasoning.
     *
     * <ol>
     *   <li>With a {@code </think>}: everything after the last one (the prompt may have opened the
     *       reasoning, so no {@code <think>} is needed).</li>
     *   <li>With a {@code <think>} but no {@code </think>}: the reasoning never ended (truncated),
     *       so there is no final part: {@code ""}.</li>
     *   <li>Otherwise the whole completion (reasoning off, or a model that does not think).</li>
     * </ol>
     */
    public static String finalPart(String completion) {
        if (completion == null) {
            return "";
        }
        int close = completion.lastIndexOf(CLOSE);
        if (close >= 0) {
            return completion.substring(close + CLOSE.length());
        }
        return completion.contains(OPEN) ? "" : completion;
    }
}
