package dev.nemotron.train.pretrain;

import dev.nemotron.train.trainer.BatchSource;
import dev.nemotron.train.trainer.HeldOutLoss;

/**
 * Where a {@link PretrainJob}'s batches come from: pretraining's packed Arrow loader (the
 * default), or another source with the same run machinery around it (SFT's rendered
 * conversations in {@code nemotron-align}): the job supplies model, optimizer, schedule, resume,
 * checkpoints, metrics, summary and chart; the data supplies batches, the held-out sequences and
 * the chart's reference line.
 */
public interface RunData extends AutoCloseable {
    /** The training batches (its position is checkpointed with the run). */
    BatchSource source();

    /** The held-out sequences, or null for none. */
    HeldOutLoss heldOut();

    /**
     * A loss the run should get below, drawn on the chart and written to the summary as
     * {@code unigram_entropy_nats} (pretraining: the unigram entropy of the first source); NaN for none.
     */
    double referenceLoss();

    /** The chart label of {@link #referenceLoss()}. */
    default String referenceLabel() {
        return String.format("unigram entropy %.2f nats", referenceLoss());
    }

    @Override
    void close();

    /** A run's data from its parts; {@code close} releases the source (e.g. the loader's files). */
    static RunData of(BatchSource source, HeldOutLoss heldOut, double referenceLoss, Runnable close) {
        return new RunData() {
            @Override
            public BatchSource source() {
                return source;
            }

            @Override
            public HeldOutLoss heldOut() {
                return heldOut;
            }

            @Override
            public double referenceLoss() {
                return referenceLoss;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    /** Opens a run's data for its spec and the model's vocabulary size. */
    @FunctionalInterface
    interface Factory {
        RunData open(PretrainSpec spec, int vocabSize);
    }
}
