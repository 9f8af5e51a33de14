package dev.nemotron.infer.sampling;

import java.util.Arrays;

/**
 * A {@link TokenHistory} backed by one growing {@code int[]}: the prompt first, generated tokens
 * appended after it. Not thread-safe; one per sequence.
 */
public final class TokenBuffer implements TokenHistory {
    private final int promptLength;
    private int[] tokens;
    private int length;

    /** A history holding a copy of {@code prompt} and no generated tokens yet. */
    public TokenBuffer(int[] prompt) {
        this.promptLength = prompt.length;
        this.tokens = Arrays.copyOf(prompt, Math.max(16, prompt.length * 5 / 4 + 16));
        this.length = prompt.length;
    }

    /** Appends one generated token (amortised constant time). */
    public void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length + (tokens.length >> 1) + 16);
        }
        tokens[length++] = token;
    }

    @Override
    public int promptLength() {
        return promptLength;
    }

    @Override
    public int promptToken(int i) {
        return tokens[Checks.index(i, promptLength)];
    }

    @Override
    public int generatedLength() {
        return length - promptLength;
    }

    @Override
    public int generatedToken(int i) {
        return tokens[promptLength + Checks.index(i, length - promptLength)];
    }

    @Override
    public int length() {
        return length;
    }

    /** A copy of the generated tokens. */
    public int[] generated() {
        return Arrays.copyOfRange(tokens, promptLength, length);
    }

    @Override
    public String toString() {
        return "TokenBuffer[prompt=" + promptLength + ", generated=" + (length - promptLength) + "]";
    }
}
