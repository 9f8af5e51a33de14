package dev.nemotron.eval.reward;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a judge's score from its reply: the first number in the reply, as a fraction of
 * {@code maxScore} ({@code "7"} with max 10 is 0.7), or, when written as {@code X/Y} with
 * {@code Y > 0} ({@code "8/10"}, {@code "4 / 5"}), as {@code X/Y}; then clamped into {@code [0, 1]}
 * (a judge that answers 11 of 10 gives 1.0, one that answers -3 gives 0.0).
 */
final class JudgeReply {
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])(-?\\d{1,9}(?:\\.\\d{1,9})?)(?:\\s*/\\s*(\\d{1,9}(?:\\.\\d{1,9})?))?");

    private JudgeReply() {
    }

    /** The score in {@code [0, 1]}, or empty when the reply holds no number. */
    static OptionalDouble score(String reply, double maxScore) {
        if (reply == null) {
            return OptionalDouble.empty();
        }
        Matcher m = NUMBER.matcher(reply);
        if (!m.find()) {
            return OptionalDouble.empty();
        }
        double x = Double.parseDouble(m.group(1));
        double of = m.group(2) != null && Double.parseDouble(m.group(2)) > 0 ? Double.parseDouble(m.group(2)) : maxScore;
        return OptionalDouble.of(Math.clamp(x / of, 0.0, 1.0));
    }
}
