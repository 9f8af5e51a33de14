package dev.nemotron.eval.metric;

/**
 * Scores one sample, usually 1 (right) or 0 (wrong); partial credit in between is allowed.
 * {@code pass@K} counts a sample as correct when its score is 1. Implementations must be
 * thread-safe (samples are scored as they finish, on several threads) and may be slow (a code
 * sandbox runs tests here).
 */
@FunctionalInterface
public interface Metric {
    /**
     * @throws dev.nemotron.api.NemotronException when the sample cannot be scored (stops the run)
     */
    double score(SampleView sample);

    /**
     * The score with a short reason for the samples file (a code metric: why the tests failed).
     * The default has no reason; a metric that overrides this must give the same score as
     * {@link #score}.
     *
     * @throws dev.nemotron.api.NemotronException as {@link #score}
     */
    default Judgement judge(SampleView sample) {
        return Judgement.of(score(sample));
    }
}
