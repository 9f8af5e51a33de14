package dev.nemotron.train.autodiff.loss;

import dev.nemotron.api.NemotronException;

/**
 * A loss that is a function of the log-probabilities of a sequence's targets only (DPO, GRPO): it
 * never needs the logits themselves, so a device that returns each position's {@code log p(y_t)}
 * and takes back per-position weights runs it ({@code DeviceSteps}). The host path is the same
 * function on {@link TokenLogProbs}:
 *
 * <pre>
 * logits [L, V], targets [L] (-100 ignored)
 * 1. lp[t] = log softmax(logits[t])[y_t]   (0 where ignored)          TokenLogProbs.of
 * 2. (loss, counted, g) = ofLogProbs(lp),  g[t] = d loss / d lp[t]
 * 3. d loss / d logits[t] = g[t] (onehot(y_t) - softmax(logits[t]))    TokenLogProbs.backward
 * </pre>
 * On a device step 3 is the cross-entropy head with weight {@code -g[t]} per position (d CE / d
 * logits = softmax - onehot).
 */
public interface LogProbLoss extends Loss {
    /** The next-token targets per position, -100 where ignored. */
    int[] targets();

    /**
     * The loss of the log-probabilities {@code logProbs} (one per position, 0 where ignored) and its
     * derivative with respect to each.
     */
    Weighted ofLogProbs(double[] logProbs);

    /**
     * @param loss      the loss
     * @param counted   positions that took part
     * @param dLogProbs d loss / d lp[t] per position (ignored positions: 0)
     */
    record Weighted(double loss, int counted, double[] dLogProbs) {
    }

    @Override
    default Value compute(double[] logits, int rows, int vocab) {
        if (rows != targets().length) {
            throw new NemotronException("a loss over " + targets().length + " positions got logits for " + rows);
        }
        // 1-3.
        TokenLogProbs lp = TokenLogProbs.of(logits, rows, vocab, targets());
        Weighted w = ofLogProbs(lp.values());
        return new Value(w.loss(), w.counted(), lp.backward(w.dLogProbs()));
    }
}
