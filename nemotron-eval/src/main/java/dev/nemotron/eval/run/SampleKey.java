package dev.nemotron.eval.run;

/**
 * The identity of one sample in a samples file: a rerun skips a sample whose key is already there.
 *
 * @param task   the task's name
 * @param doc    the problem's index in the data set
 * @param repeat which sample of the problem, from 0
 * @param digest the {@link ConfigDigest} of task config, model and data
 */
public record SampleKey(String task, int doc, int repeat, String digest) {
}
