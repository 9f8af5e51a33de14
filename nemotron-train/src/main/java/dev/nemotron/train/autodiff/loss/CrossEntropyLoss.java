package dev.nemotron.train.autodiff.loss;

/**
 * Mean softmax cross-entropy of {@code targets}, positions with {@code ignoreIndex} not counted
 * (torch's {@code cross_entropy(ignore_index=-100, reduction="mean")}): the pretraining and SFT
 * loss. The numbers are {@link CrossEntropy#compute}'s, bit for bit.
 */
public final class CrossEntropyLoss implements Loss {
    private final int[] targets;

    /** @param targets the next token per position, {@link CrossEntropy#IGNORE_INDEX} (-100) where not counted */
    public CrossEntropyLoss(int[] targets) {
        this.targets = targets.clone();
    }

    @Override
    public Value compute(double[] logits, int rows, int vocab) {
        CrossEntropy.Result r = CrossEntropy.compute(logits, rows, vocab, targets);
        return new Value(r.loss(), r.counted(), r.dLogits());
    }
}
