package dev.nemotron.train.trainer;

import dev.nemotron.train.data.Batch;
import dev.nemotron.train.data.Curriculum;
import dev.nemotron.train.data.DataLoader;
import dev.nemotron.train.data.LoaderConfig;
import dev.nemotron.train.data.LoaderState;

/**
 * The Arrow {@link DataLoader} as the trainer's {@link BatchSource}: each batch is one
 * {@link DataLoader#next()}, cut into rows; the saved position is the loader's
 * {@link LoaderState} as JSON, and restoring reopens the loader there.
 */
public final class LoaderBatchSource implements BatchSource, AutoCloseable {
    private final Curriculum curriculum;
    private final LoaderConfig config;
    private DataLoader loader;

    public LoaderBatchSource(Curriculum curriculum, LoaderConfig config) {
        this.curriculum = curriculum;
        this.config = config;
        this.loader = DataLoader.open(curriculum, config);
    }

    @Override
    public TrainingBatch next() {
        Batch b = loader.next();
        int[][] inputs = new int[b.batchSize()][];
        int[][] targets = new int[b.batchSize()][];
        for (int r = 0; r < b.batchSize(); r++) {
            inputs[r] = b.inputRow(r);
            targets[r] = b.targetRow(r);
        }
        return new TrainingBatch(inputs, targets);
    }

    /** The curriculum phase of the next sequence. */
    public int phase() {
        return loader.phase();
    }

    @Override
    public String saveState() {
        return loader.state().toJson();
    }

    @Override
    public void restoreState(String state) {
        LoaderState s = LoaderState.fromJson(state);
        loader.close();
        loader = DataLoader.open(curriculum, config, s);
    }

    @Override
    public void close() {
        loader.close();
    }
}
