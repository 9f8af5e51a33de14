package dev.nemotron.infer.sampling;

import java.util.Arrays;
import java.util.List;

/** Composition of {@link LogitsProcessor}s and helpers for writing them. */
public final class LogitsProcessors {
    private static final LogitsProcessor NONE = new Chain(new LogitsProcessor[0]);

    private LogitsProcessors() {
    }

    /** A processor that does nothing. */
    public static LogitsProcessor none() {
        return NONE;
    }

    /** Runs {@code processors} in order; {@code observe} is forwarded to each, in the same order. */
    public static LogitsProcessor chain(LogitsProcessor... processors) {
        return chain(Arrays.asList(processors));
    }

    /** Runs {@code processors} in order; {@code observe} is forwarded to each, in the same order. */
    public static LogitsProcessor chain(List<? extends LogitsProcessor> processors) {
        if (processors.size() == 1) {
            return processors.getFirst();
        }
        return new Chain(processors.toArray(LogitsProcessor[]::new));
    }

    /** Sets every logit except {@code token}'s to {@code -Infinity}, so that {@code token} is chosen. */
    public static void forceToken(float[] logits, int token) {
        Checks.token(token, logits.length);
        float keep = logits[token];
        Arrays.fill(logits, Float.NEGATIVE_INFINITY);
        // A forced token must be choosable even if an earlier step masked it.
        logits[token] = Float.isFinite(keep) ? keep : 0f;
    }

    private record Chain(LogitsProcessor[] processors) implements LogitsProcessor {
        @Override
        public void apply(float[] logits, TokenHistory history) {
            for (LogitsProcessor p : processors) {
                p.apply(logits, history);
            }
        }

        @Override
        public void observe(int token) {
            for (LogitsProcessor p : processors) {
                p.observe(token);
            }
        }
    }
}
