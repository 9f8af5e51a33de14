package dev.nemotron.eval.metric;

import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.model.Completion;
import dev.nemotron.eval.model.Loglikelihood;
import dev.nemotron.eval.task.OutputType;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Metric} sees of one sample (one answer to one problem). Which parts are set
 * depends on the task's output type:
 *
 * <table>
 *   <caption>parts by output type</caption>
 *   <tr><th>output</th><th>set</th></tr>
 *   <tr><td>{@code generate_until}</td><td>{@code reference}, {@code prediction} (the answer after the
 *       task's filters), {@code completion} (raw text, reasoning, token counts)</td></tr>
 *   <tr><td>{@code loglikelihood}</td><td>{@code reference} (the scored continuation), {@code loglikelihood}</td></tr>
 *   <tr><td>{@code multiple_choice}</td><td>{@code choices}, {@code choiceLoglikelihoods}, {@code gold}</td></tr>
 * </table>
 *
 * @param task                 the task's name
 * @param output               the task's output type
 * @param doc                  the problem with all its fields (tests, entry points, ... for plugins)
 * @param repeat               which of the problem's samples, from 0
 * @param reference            the reference answer (the task's {@code target}), or null
 * @param prediction           the filtered answer, or null
 * @param completion           the raw completion, or null
 * @param loglikelihood        the continuation's score, or null
 * @param choices              the options' texts, or empty
 * @param choiceLoglikelihoods the options' scores, in order, or empty
 * @param gold                 the correct option's index, or -1
 */
public record SampleView(String task, OutputType output, Doc doc, int repeat, String reference, String prediction,
                         Completion completion, Loglikelihood loglikelihood, List<String> choices,
                         List<Loglikelihood> choiceLoglikelihoods, int gold) {
    public SampleView {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(doc, "doc");
        choices = choices == null ? List.of() : List.copyOf(choices);
        choiceLoglikelihoods = choiceLoglikelihoods == null ? List.of() : List.copyOf(choiceLoglikelihoods);
    }

    /** A generated answer. */
    public static SampleView generated(String task, Doc doc, int repeat, String reference, String prediction, Completion c) {
        return new SampleView(task, OutputType.GENERATE_UNTIL, doc, repeat, reference, prediction, c, null, null, null, -1);
    }

    /** A scored continuation. */
    public static SampleView scored(String task, Doc doc, int repeat, String continuation, Loglikelihood ll) {
        return new SampleView(task, OutputType.LOGLIKELIHOOD, doc, repeat, continuation, null, null, ll, null, null, -1);
    }

    /** Scored options. */
    public static SampleView chosen(String task, Doc doc, int repeat, List<String> choices, List<Loglikelihood> lls, int gold) {
        return new SampleView(task, OutputType.MULTIPLE_CHOICE, doc, repeat, null, null, null, null, choices, lls, gold);
    }
}
