package dev.nemotron.train.trainer;

/**
 * Where training batches come from (the Arrow data loader, or anything else), with a position
 * the trainer checkpoints so that a resumed run reads exactly the batches it would have read.
 */
public interface BatchSource {
    TrainingBatch next();

    /** The position, as text (JSON), saved with each checkpoint. */
    String saveState();

    /** Returns to a position saved by {@link #saveState()}. */
    void restoreState(String state);
}
