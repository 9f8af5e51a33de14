package dev.nemotron.eval.ruler;

import java.util.List;
import java.util.Map;

/**
 * One candidate sample at one haystack size, before its length is accepted.
 *
 * @param input         the task text (instructions, context, question), without the answer prefix
 * @param answerPrefix  RULER's answer prefix, which starts the model's reply
 * @param outputs       the expected answers
 * @param needles       where the needles went (empty for cwe and fwe)
 * @param haystackName  what the filler is, e.g. {@code essay:moby-dick}
 * @param haystackSize  the haystack size in the task's own measure (pieces, words, entries)
 * @param haystackUnits the haystack's units (sentences, lines, list entries)
 * @param details       task-specific facts for the metadata
 */
record Draft(String input, String answerPrefix, List<String> outputs, List<Needle> needles, String haystackName,
             int haystackSize, int haystackUnits, Map<String, Object> details) {
    /**
     * A needle in the input.
     *
     * @param text       the needle text
     * @param depth      the depth asked for, a fraction of the haystack
     * @param unit       the haystack units before the needle
     * @param charOffset its first character in the input
     */
    record Needle(String text, double depth, int unit, int charOffset) {
    }
}
