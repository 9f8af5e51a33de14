package dev.nemotron.train.report;

import dev.nemotron.api.NemotronException;
import java.util.Objects;

/**
 * A horizontal line drawn across a loss chart, e.g. the unigram entropy of the training data
 * ({@code 5.8 nats}): the loss a model that ignores context can reach.
 *
 * @param value the loss value (nats), finite
 * @param label the text drawn at the line (may be empty)
 */
public record ReferenceLine(double value, String label) {
    public ReferenceLine {
        if (!Double.isFinite(value)) {
            throw new NemotronException("a reference line needs a finite value, got " + value);
        }
        label = Objects.requireNonNullElse(label, "");
    }

    /** Parses {@code VALUE[:LABEL]}, e.g. {@code 5.8:unigram entropy}. */
    public static ReferenceLine parse(String spec) {
        int colon = spec.indexOf(':');
        String v = (colon < 0 ? spec : spec.substring(0, colon)).strip();
        String label = colon < 0 ? "" : spec.substring(colon + 1).strip();
        double value;
        try {
            value = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new NemotronException("reference line '" + spec + "': expected VALUE[:LABEL] with a number, e.g. 5.8:unigram entropy");
        }
        return new ReferenceLine(value, label);
    }
}
