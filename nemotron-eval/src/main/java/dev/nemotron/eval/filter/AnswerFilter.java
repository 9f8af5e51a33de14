package dev.nemotron.eval.filter;

/**
 * One step of a task's answer pipeline: turns the model's answer text into what the metrics
 * compare (lm-evaluation-harness's filters). Steps run in the order the task file lists them.
 */
@FunctionalInterface
public interface AnswerFilter {
    /** The filtered text (never null). */
    String apply(String text);
}
