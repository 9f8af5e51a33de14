package dev.nemotron.api.pipeline;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the pipeline runner gives a running {@link Stage}.
 *
 * <p>Each stage has a work directory of its own, {@code OUT/NN-name/}, created before it runs.
 * The runner empties it before a stage runs afresh; it keeps it only when it retries an
 * attempt that failed with the same parameters and the same input ({@link #resuming()}), so a
 * long stage can continue from its own checkpoints.
 */
public interface StageContext {
    /** The pipeline's name (the spec's {@code name}). */
    String pipelineName();

    /** This stage's name in the spec, e.g. {@code "long-context"}. */
    String stageName();

    /** This stage's own directory ({@code OUT/NN-name/}), absolute, existing. */
    Path workDir();

    /**
     * The directory relative paths of the spec are resolved against: the directory of the spec
     * file. Absolute.
     */
    Path baseDir();

    /**
     * The input model directory: the output model of the nearest earlier stage that produced one,
     * or else the spec's {@code model}; empty when there is neither. Absolute.
     */
    Optional<Path> inputModel();

    /**
     * True when the work directory holds what an earlier attempt of this stage left when it
     * failed or was interrupted, with the same parameters and the same input; false when the work
     * directory is empty.
     */
    boolean resuming();

    /** Reports progress in words (the runner logs it with the stage's name), e.g. {@code "step 100/200, loss 3.1"}. */
    void progress(String message);

    /**
     * A path from the spec resolved against {@link #baseDir()} (an absolute path stays as it
     * is), normalised.
     */
    default Path resolve(String path) {
        return baseDir().resolve(path).normalize();
    }

    /**
     * The input model, which this stage needs.
     *
     * @throws NemotronException when there is none or it is not a directory, naming this stage
     */
    default Path requireInputModel() {
        Path model = inputModel().orElseThrow(() -> new NemotronException("stage '" + stageName()
                + "' needs an input model: set 'model' in the spec or put a stage that produces one before it"));
        if (!Files.isDirectory(model)) {
            throw new NemotronException("stage '" + stageName() + "': the input model " + model + " is not a directory");
        }
        return model;
    }
}
