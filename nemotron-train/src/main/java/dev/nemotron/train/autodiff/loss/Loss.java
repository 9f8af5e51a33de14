package dev.nemotron.train.autodiff.loss;

/**
 * A scalar loss of a sequence's logits [L, V], with its gradient with respect to them: what
 * {@link dev.nemotron.train.autodiff.ForwardPass#backward} takes. An instance carries its own
 * per-sequence data (targets, a teacher's logits, advantages, ...), so a batch makes one per
 * sequence. {@link CrossEntropyLoss} and {@link KlDivergenceLoss} are the built-in ones; DPO and
 * GRPO losses are functions of token log-probabilities: build them on {@link TokenLogProbs}.
 */
@FunctionalInterface
public interface Loss {
    /**
     * The loss of {@code logits} [rows, vocab] and d loss / d logits.
     *
     * @throws dev.nemotron.api.NemotronException when the loss's data does not match the logits
     */
    Value compute(double[] logits, int rows, int vocab);

    /**
     * @param loss    the loss
     * @param counted positions that took part (0: nothing to backpropagate)
     * @param dLogits d loss / d logits [rows, vocab]
     */
    record Value(double loss, int counted, double[] dLogits) {
    }
}
