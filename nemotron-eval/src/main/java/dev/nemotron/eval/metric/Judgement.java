package dev.nemotron.eval.metric;

/**
 * A sample's score with, optionally, a short reason that the samples file keeps beside it
 * ({@code "details": {"code_exec": "failed: exit code 1: AssertionError"}}).
 *
 * @param score  as {@link Metric#score}
 * @param detail one line saying why, or null for none
 */
public record Judgement(double score, String detail) {
    /** The most characters of a detail; longer ones are cut and end with {@code "..."}. */
    public static final int MAX_DETAIL = 300;

    public Judgement {
        if (detail != null) {
            detail = detail.replaceAll("[\\r\\n]+", " ").strip();
            if (detail.length() > MAX_DETAIL) {
                detail = detail.substring(0, MAX_DETAIL - 3) + "...";
            }
        }
    }

    /** A score without a reason. */
    public static Judgement of(double score) {
        return new Judgement(score, null);
    }
}
