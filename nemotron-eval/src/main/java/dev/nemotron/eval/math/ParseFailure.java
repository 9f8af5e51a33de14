package dev.nemotron.eval.math;

/**
 * An answer that is not a math expression this package understands. Internal: the parsers throw
 * it and {@link AnswerParser} turns it into a plain-text answer, so no caller ever sees it.
 */
final class ParseFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ParseFailure(String message) {
        super(message, null, false, false);
    }
}
