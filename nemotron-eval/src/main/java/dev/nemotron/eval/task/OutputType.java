package dev.nemotron.eval.task;

import dev.nemotron.api.NemotronException;
import java.util.Locale;

/** What a task asks of the model (lm-evaluation-harness's {@code output_type}). */
public enum OutputType {
    /** Generate text until a stop sequence or the token limit; metrics read the (filtered) text. */
    GENERATE_UNTIL,
    /** Score the log-likelihood of the reference continuation given the prompt. */
    LOGLIKELIHOOD,
    /** Score every choice's log-likelihood as a continuation of the prompt; the best one is the answer. */
    MULTIPLE_CHOICE;

    /** The name task files use ({@code generate_until}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws NemotronException naming {@code where} and the known types */
    public static OutputType parse(String text, String where) {
        for (OutputType t : values()) {
            if (t.wireName().equals(text)) {
                return t;
            }
        }
        throw new NemotronException(where + ": unknown output type '" + text
                + "' (known: generate_until, loglikelihood, multiple_choice)");
    }
}
