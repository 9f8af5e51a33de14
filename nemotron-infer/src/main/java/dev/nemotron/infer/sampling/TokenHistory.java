package dev.nemotron.infer.sampling;

/**
 * The tokens of one sequence so far: the prompt, then the tokens generated after it.
 *
 * <p>Read access only and no copies: processors and the {@link Sampler} read it at every step, so
 * an implementation answers each call in constant time. {@link TokenBuffer} is the usual one.
 */
public interface TokenHistory {

    /** Number of prompt tokens. */
    int promptLength();

    /** Prompt token {@code i}, {@code 0 <= i < promptLength()}. */
    int promptToken(int i);

    /** Number of tokens generated so far. */
    int generatedLength();

    /** Generated token {@code i}, {@code 0 <= i < generatedLength()}. */
    int generatedToken(int i);

    /** {@code promptLength() + generatedLength()}. */
    default int length() {
        return promptLength() + generatedLength();
    }

    /** The last token of the sequence (the last generated one, else the last prompt token). */
    default int lastToken() {
        int g = generatedLength();
        if (g > 0) {
            return generatedToken(g - 1);
        }
        int p = promptLength();
        if (p == 0) {
            throw new IllegalStateException("empty token history");
        }
        return promptToken(p - 1);
    }
}
