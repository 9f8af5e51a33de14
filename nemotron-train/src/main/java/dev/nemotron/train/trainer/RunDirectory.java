package dev.nemotron.train.trainer;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The run directory OUT of a resumable job (pretraining and the jobs on its machinery, GRPO):
 * {@code metrics.jsonl} marks a run there; {@code latest} names its newest checkpoint
 * ({@link TrainingCheckpoint}).
 */
public final class RunDirectory {
    private static final Logger LOG = LogManager.getLogger(RunDirectory.class);
    /** The per-step log whose presence means OUT holds a run. */
    public static final String METRICS = "metrics.jsonl";

    private RunDirectory() {
    }

    /** Creates OUT; one error when it holds a run and {@code resume} is off. */
    public static void open(Path out, boolean resume) {
        if (!resume && Files.exists(out.resolve(METRICS))) {
            throw new NemotronException(out + " already holds a training run (metrics.jsonl); pass --resume (\"resume\": true) "
                    + "to continue it, or choose another output directory");
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new NemotronException(out + ": cannot create the run directory: " + e.getMessage(), e);
        }
    }

    /**
     * The checkpoint to resume from: with {@code resume}, the one {@code OUT/latest} names; null
     * without {@code resume} or before the first checkpoint, when a run that stopped before it
     * starts over: its {@code metrics.jsonl} and {@code otherLogs} are deleted.
     */
    public static Path checkpointToResume(Path out, boolean resume, String... otherLogs) {
        Path checkpoint = resume ? TrainingCheckpoint.latest(out) : null;
        if (checkpoint == null && resume && Files.exists(out.resolve(METRICS))) {
            LOG.info("no checkpoint in {} yet: starting from step 0", out);
            try {
                Files.delete(out.resolve(METRICS));
                for (String log : otherLogs) {
                    Files.deleteIfExists(out.resolve(log));
                }
            } catch (IOException e) {
                throw new NemotronException(out + ": cannot restart the run: " + e.getMessage(), e);
            }
        }
        return checkpoint;
    }
}
