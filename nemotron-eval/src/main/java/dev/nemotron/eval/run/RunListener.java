package dev.nemotron.eval.run;

/**
 * Progress of a run, for a progress bar. Methods may be called from several threads at once;
 * implementations must be quick and thread-safe.
 */
public interface RunListener {
    /** A listener that ignores everything. */
    RunListener NONE = new RunListener() {
    };

    /**
     * A task starts.
     *
     * @param total   samples of the task (problems × repeats)
     * @param resumed samples already in the samples file (skipped)
     */
    default void taskStarted(String task, int total, int resumed) {
    }

    /** One more sample finished; {@code done} counts resumed ones too. */
    default void sampleFinished(String task, int done, int total) {
    }

    /** A task finished. */
    default void taskFinished(TaskResult result) {
    }
}
