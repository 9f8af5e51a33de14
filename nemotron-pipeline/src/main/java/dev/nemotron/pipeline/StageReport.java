package dev.nemotron.pipeline;

import java.nio.file.Path;
import java.util.Map;

/**
 * What happened to one stage in a run of the pipeline (or, in a dry run, what would).
 *
 * @param index       from 0, in spec order
 * @param name        the stage's name
 * @param type        its type
 * @param dir         its work directory
 * @param status      ran, skipped (complete), or what a dry run would do
 * @param reason      why it ran or would run (e.g. "parameters changed"); why it was skipped
 * @param seconds     how long it ran (this run, or the recorded run for a skipped stage); null when unknown
 * @param inputModel  its input model, or null
 * @param outputModel the model it produced, or null
 * @param summary     its summary values (empty when it did not run yet)
 */
public record StageReport(int index, String name, String type, Path dir, Status status, String reason, Double seconds,
                          Path inputModel, Path outputModel, Map<String, Object> summary) {
    /** What happened to a stage. */
    public enum Status {
        RAN("ran"), SKIPPED("skipped"), WOULD_RUN("would run"), WOULD_SKIP("would skip");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** Lower-case words, as printed. */
        public String label() {
            return label;
        }
    }
}
