package dev.nemotron.pipeline;

/**
 * How {@code nemotron pipeline run} treats completed stages.
 *
 * @param force  rerun every stage, complete or not
 * @param from   rerun the stage of this name and every stage after it (stages before it run only
 *               if they are not complete); null for none
 * @param dryRun check the spec and say what would run, without running anything
 */
public record RunOptions(boolean force, String from, boolean dryRun) {
    /** Skip completed stages, run the rest. */
    public static RunOptions defaults() {
        return new RunOptions(false, null, false);
    }
}
