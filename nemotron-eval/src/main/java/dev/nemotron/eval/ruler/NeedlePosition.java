package dev.nemotron.eval.ruler;

/**
 * Where one needle (or vt assignment) sits in a sample.
 *
 * @param text        the needle text, found verbatim at {@code charOffset} in the input
 * @param depth       the depth asked for, a fraction of the haystack
 * @param unit        how many haystack units (sentences, noise lines, distractors) precede it:
 *                    {@code floor(depth × units)}
 * @param units       the haystack's units in this sample
 * @param charOffset  its first character in the sample's {@code input}
 * @param tokenOffset the tokens of the counted prompt before it: the count of the prompt text up
 *                    to {@code charOffset} (template and chat wrapping included)
 */
public record NeedlePosition(String text, double depth, int unit, int units, int charOffset, int tokenOffset) {
}
