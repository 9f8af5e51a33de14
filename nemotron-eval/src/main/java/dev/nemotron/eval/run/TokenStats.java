package dev.nemotron.eval.run;

/**
 * Mean token counts per sample (0 where the model reports none).
 *
 * @param prompt     prompt tokens
 * @param completion generated tokens, reasoning included
 * @param reasoning  reasoning tokens
 */
public record TokenStats(double prompt, double completion, double reasoning) {
}
