package dev.nemotron.eval.ruler;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One generated RULER sample, as written to JSONL.
 *
 * @param task          the task
 * @param index         the sample's number within its task and length
 * @param length        the target length in tokens
 * @param tokens        the exact token count of the prompt ({@link #promptFormat} applied to
 *                      input and answer prefix); with the answer budget reserved,
 *                      {@code tokens + maxNewTokens} is within the tolerance below {@code length}
 * @param maxNewTokens  RULER's answer budget for the task ({@code tokens_to_generate})
 * @param input         the task text: instructions, context, question
 * @param answerPrefix  RULER's answer prefix, which starts the model's reply
 * @param outputs       the expected answers (every one should appear in the reply)
 * @param metric        how a reply is scored
 * @param promptFormat  the name of the {@link PromptFormat} the tokens were counted in
 * @param seed          the sample's own seed (the same seed gives the same sample)
 * @param haystack      what fills the context: {@code noise}, {@code essay:moby-dick},
 *                      {@code needle}, {@code word-list}, {@code coded-words}
 * @param haystackSize  the filler size in the task's measure (pieces, uncommon words, num_words)
 * @param haystackUnits the filler's units (sentences, lines, distractors, list entries, words)
 * @param needles       where the needles or assignments are (empty for cwe and fwe)
 * @param details       task-specific facts (query, keys, value, frequencies, …)
 */
public record RulerSample(RulerTask task, int index, int length, int tokens, int maxNewTokens, String input,
                          String answerPrefix, List<String> outputs, RulerMetric metric, String promptFormat, long seed,
                          String haystack, int haystackSize, int haystackUnits, List<NeedlePosition> needles,
                          Map<String, Object> details) {
    public RulerSample {
        outputs = List.copyOf(outputs);
        needles = List.copyOf(needles);
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The score of a model's reply, with the task's metric. */
    public double score(String prediction) {
        return metric.score(prediction, outputs);
    }
}
