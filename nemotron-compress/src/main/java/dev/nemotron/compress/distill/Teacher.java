package dev.nemotron.compress.distill;

import dev.nemotron.train.autodiff.TrainableModel;

/**
 * A frozen teacher: the logits at every position of a token sequence, forward only. Any backend
 * that returns all-position logits can be one; {@link #of(TrainableModel)} runs the trainer's own
 * float64 forward (no gradients are ever taken through it). Must be safe to call from several
 * threads at once (the trainer's workers ask for one sequence each).
 */
public interface Teacher {
    /** The logits [tokens.length, vocab()], row-major. */
    double[] logits(int[] tokens);

    int vocab();

    /** The trainer's model as a frozen teacher. */
    static Teacher of(TrainableModel model) {
        int vocab = model.graph().config().vocabSize();
        return new Teacher() {
            @Override
            public double[] logits(int[] tokens) {
                return model.logits(tokens);
            }

            @Override
            public int vocab() {
                return vocab;
            }
        };
    }
}
