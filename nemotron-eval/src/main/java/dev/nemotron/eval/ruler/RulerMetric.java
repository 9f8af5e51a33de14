package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * RULER's two scores. A prediction is first cleaned as RULER does ({@link #postprocess}); a
 * reference counts as found when it occurs in the prediction, ignoring case.
 *
 * <ul>
 *   <li>{@link #STRING_MATCH_ALL}: the fraction of the references found (niah, vt, cwe, fwe);</li>
 *   <li>{@link #STRING_MATCH_PART}: 1 when any reference is found, else 0 (qa).</li>
 * </ul>
 *
 * <p>Scores are fractions in [0, 1]; RULER prints them times 100.
 */
public enum RulerMetric {
    /** The fraction of the references that occur in the prediction. */
    STRING_MATCH_ALL("string_match_all"),
    /** 1 if any reference occurs in the prediction, else 0. */
    STRING_MATCH_PART("string_match_part");

    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f]");

    private final String id;

    RulerMetric(String id) {
        this.id = id;
    }

    /** RULER's name of the metric, e.g. {@code string_match_all}. */
    public String id() {
        return id;
    }

    /** The metric RULER uses for a task: {@code qa_1} and {@code qa_2} match part, every other task all. */
    public static RulerMetric forTask(String task) {
        Objects.requireNonNull(task, "task");
        return task.startsWith("qa") ? STRING_MATCH_PART : STRING_MATCH_ALL;
    }

    /** The metric with RULER's name {@code id}. */
    public static RulerMetric parse(String id) {
        for (RulerMetric m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new NemotronException("unknown RULER metric '" + id + "' (known: string_match_all, string_match_part)");
    }

    /**
     * RULER's clean-up of a prediction: strip surrounding whitespace, turn control characters
     * (U+0000..U+001F) into newlines, strip again.
     */
    public static String postprocess(String prediction) {
        return CONTROL.matcher(prediction.strip()).replaceAll("\n").strip();
    }

    /**
     * The score of one prediction against its references.
     *
     * @throws NemotronException when there are no references
     */
    public double score(String prediction, List<String> references) {
        Objects.requireNonNull(prediction, "prediction");
        if (references == null || references.isEmpty()) {
            throw new NemotronException("RULER " + id + ": a sample needs at least one reference answer");
        }
        String p = postprocess(prediction).toLowerCase(Locale.ROOT);
        int found = 0;
        for (String r : references) {
            if (p.contains(r.toLowerCase(Locale.ROOT))) {
                found++;
            }
        }
        return switch (this) {
            case STRING_MATCH_ALL -> (double) found / references.size();
            case STRING_MATCH_PART -> found > 0 ? 1.0 : 0.0;
        };
    }

    /**
     * The mean score over samples, as RULER averages them.
     *
     * @throws NemotronException when the lists differ in length or are empty
     */
    public double score(List<String> predictions, List<List<String>> references) {
        if (predictions.size() != references.size()) {
            throw new NemotronException("RULER " + id + ": " + predictions.size() + " predictions for "
                    + references.size() + " samples");
        }
        if (predictions.isEmpty()) {
            throw new NemotronException("RULER " + id + ": no predictions to score");
        }
        double sum = 0;
        for (int i = 0; i < predictions.size(); i++) {
            sum += score(predictions.get(i), references.get(i));
        }
        return sum / predictions.size();
    }
}
