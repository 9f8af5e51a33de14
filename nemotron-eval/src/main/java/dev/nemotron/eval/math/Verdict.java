package dev.nemotron.eval.math;

/**
 * The outcome of one comparison, with the intermediate forms (for {@code --explain} and debugging).
 *
 * @param equivalent           whether the prediction is equivalent to the gold answer
 * @param gold                 the gold answer part (the last box, or after {@code ####}, or all)
 * @param prediction           the predicted answer as compared ({@code ""} when none was found)
 * @param goldNormalized       the gold answer after {@link LatexNormalizer}
 * @param predictionNormalized the prediction after {@link LatexNormalizer}
 * @param goldParsed           how the gold answer was understood, e.g. {@code "(1 / 3)"},
 *                             {@code "{1, 2}"}, {@code "text \"Monday\""}
 * @param predictionParsed     how the prediction was understood
 */
public record Verdict(boolean equivalent, String gold, String prediction, String goldNormalized,
                      String predictionNormalized, String goldParsed, String predictionParsed) {
}
