package dev.nemotron.align.dpo;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.LogProbLoss;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;

/**
 * The DPO loss of one pair, packed as one row: the chosen sample's positions, then the rejected
 * sample's (two segments, kept apart in every layer), targets -100 outside the responses.
 *
 * <pre>
 * logits [L, V], L = Lc + Lr; targets [L] (response tokens only)
 * 1. lp = TokenLogProbs(logits, targets)
 * 2. pc = sum_{t < Lc} lp[t],  pr = sum_{t >= Lc} lp[t]          (log pi of each whole response)
 * 3. terms = objective.of(pc, pr, rc, rr)
 * 4. d lp[t] = dChosen for t < Lc, dRejected for t >= Lc;  d logits = lp.backward(d lp)
 * </pre>
 *
 * Steps 2-4 are {@link #ofLogProbs} (the device runs them on its token log-probs). The last computed
 * terms and log-probs are kept for the step's metrics.
 */
public final class DpoPairLoss implements LogProbLoss {
    private final DpoObjective objective;
    private final int[] targets;
    private final int chosenPositions;
    private final double refChosen;
    private final double refRejected;
    private volatile Result result;

    /** What the last {@link #compute} found. */
    public record Result(double policyChosen, double policyRejected, DpoObjective.Terms terms) {
    }

    /**
     * @param targets         the row's targets (response tokens; -100 elsewhere)
     * @param chosenPositions positions of the chosen sample (the row's first segment)
     * @param refChosen       the reference's log pi(chosen|x)
     * @param refRejected     the reference's log pi(rejected|x)
     */
    public DpoPairLoss(DpoObjective objective, int[] targets, int chosenPositions, double refChosen, double refRejected) {
        if (chosenPositions < 1 || chosenPositions >= targets.length) {
            throw new IllegalArgumentException("the chosen segment must leave room for the rejected one: "
                    + chosenPositions + " of " + targets.length);
        }
        this.objective = objective;
        this.targets = targets;
        this.chosenPositions = chosenPositions;
        this.refChosen = refChosen;
        this.refRejected = refRejected;
    }

    /** The summed log-probabilities of the chosen and the rejected response under {@code logits}. */
    public static double[] responseLogProbs(TokenLogProbs lp, int chosenPositions) {
        return responseLogProbs(lp.values(), chosenPositions);
    }

    /** The sums of {@code v} (per position, 0 where ignored) over the chosen and the rejected segment. */
    static double[] responseLogProbs(double[] v, int chosenPositions) {
        double c = 0;
        double r = 0;
        for (int t = 0; t < v.length; t++) {
            if (t < chosenPositions) {
                c += v[t];
            } else {
                r += v[t];
            }
        }
        return new double[] {c, r};
    }

    @Override
    public int[] targets() {
        return targets;
    }

    @Override
    public Weighted ofLogProbs(double[] logProbs) {
        if (logProbs.length != targets.length) {
            throw new NemotronException("a DPO row of " + targets.length + " positions got logits for " + logProbs.length);
        }
        // 2. the responses' log-probs
        double[] sums = responseLogProbs(logProbs, chosenPositions);
        // 3. the objective
        DpoObjective.Terms terms = objective.of(sums[0], sums[1], refChosen, refRejected);
        result = new Result(sums[0], sums[1], terms);
        // 4. d loss / d lp
        double[] d = new double[targets.length];
        int counted = 0;
        for (int t = 0; t < targets.length; t++) {
            if (targets[t] == CrossEntropy.IGNORE_INDEX) {
                continue;
            }
            counted++;
            d[t] = t < chosenPositions ? terms.dChosen() : terms.dRejected();
        }
        return new Weighted(terms.loss(), counted, d);
    }

    /** The last computation's log-probs and terms, or null before the first. */
    public Result result() {
        return result;
    }
}
