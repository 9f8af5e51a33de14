package dev.nemotron.infer.engine;

/**
 * One generated token as it streams.
 *
 * @param token     the token id
 * @param text      the text it completes (may be empty: an incomplete character, a held-back
 *                  possible stop string, or a special token)
 * @param reasoning whether the text belongs to the reasoning (before {@code </think>})
 */
public record GenerationDelta(int token, String text, boolean reasoning) {
}
