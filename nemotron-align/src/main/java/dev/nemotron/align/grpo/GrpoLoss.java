package dev.nemotron.align.grpo;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.LogProbLoss;

/**
 * The GRPO loss of one sampled completion, token by token (TRL's {@code loss_type="dapo"} /
 * DAPO's token-level aggregation: the batch's per-token losses summed and divided by the batch's
 * completion tokens).
 *
 * <pre>
 * sequence: prompt + completion, targets -100 on the prompt (L positions, C counted); advantage A
 * per counted position t, lp_t = log pi(y_t) under the current weights:
 * 1. ratio      rho_t = exp(lp_t - old_t)            old_t: the rollout policy's log-prob
 * 2. surrogate  s_t = min(rho_t A, clip(rho_t, 1-eps, 1+eps) A)
 *               clipped (zero gradient) iff (A > 0 and rho_t > 1+eps) or (A < 0 and rho_t < 1-eps)
 * 3. KL (k3)    k_t = exp(ref_t - lp_t) - (ref_t - lp_t) - 1     (>= 0; 0 iff lp_t = ref_t)
 * 4. loss       scale * sum_t ( -s_t + beta k_t ),   scale = 1 / (total completion tokens of the batch),
 *               times B when a trainer averages the B sequences' losses (BatchGradients)
 * 5. d loss / d lp_t = scale * ( -A rho_t [not clipped] + beta (1 - exp(ref_t - lp_t)) )
 *    then TokenLogProbs.backward: d loss / d logits
 * </pre>
 * Steps 1-5 are {@link #ofLogProbs} (the device runs them on its token log-probs).
 *
 * {@code old == null}: the weights are the rollout policy's (the first update of a rollout), so
 * old_t = lp_t, rho = 1: the log-probs of this pass are kept as {@link #logProbs()} for the next
 * updates. {@code ref == null}: beta = 0 (no reference). After {@link #compute} the instance holds
 * its statistics (clipped tokens, KL sum); each instance is used by one thread.
 */
public final class GrpoLoss implements LogProbLoss {
    private final int[] targets;
    private final double advantage;
    private final double[] old;
    private final double[] ref;
    private final double epsilon;
    private final double beta;
    private final double scale;

    private double[] logProbs;
    private int clipped;
    private int counted;
    private double klSum;

    /**
     * @param targets   next-token targets per input position, -100 on the prompt
     * @param advantage the completion's group-normalised advantage
     * @param old       the rollout policy's log-prob per position, or null (= the current weights)
     * @param ref       the reference model's log-prob per position, or null (beta must be 0)
     * @param epsilon   the clip range (rho in [1-eps, 1+eps])
     * @param beta      the KL coefficient
     * @param scale     what the summed per-token loss is multiplied by
     */
    public GrpoLoss(int[] targets, double advantage, double[] old, double[] ref, double epsilon, double beta, double scale) {
        if (beta != 0 && ref == null) {
            throw new IllegalArgumentException("beta = " + beta + " needs the reference log-probs");
        }
        if ((old != null && old.length != targets.length) || (ref != null && ref.length != targets.length)) {
            throw new IllegalArgumentException("log-probs of another length than the " + targets.length + " targets");
        }
        this.targets = targets;
        this.advantage = advantage;
        this.old = old;
        this.ref = ref;
        this.epsilon = epsilon;
        this.beta = beta;
        this.scale = scale;
    }

    @Override
    public int[] targets() {
        return targets;
    }

    @Override
    public Weighted ofLogProbs(double[] v) {
        int rows = targets.length;
        if (v.length != rows) {
            throw new NemotronException(v.length + " positions for " + targets.length + " targets");
        }
        v = v.clone();
        double[] d = new double[rows];
        double loss = 0;
        clipped = 0;
        counted = 0;
        klSum = 0;
        for (int t = 0; t < rows; t++) {
            if (targets[t] == CrossEntropy.IGNORE_INDEX) {
                continue;
            }
            counted++;
            // 1. ratio
            double rho = old == null ? 1.0 : Math.exp(v[t] - old[t]);
            // 2. clipped surrogate
            double clippedRho = Math.min(Math.max(rho, 1 - epsilon), 1 + epsilon);
            double unclippedTerm = rho * advantage;
            double clippedTerm = clippedRho * advantage;
            boolean isClipped = (advantage > 0 && rho > 1 + epsilon) || (advantage < 0 && rho < 1 - epsilon);
            double surrogate = Math.min(unclippedTerm, clippedTerm);
            double g = isClipped ? 0 : -advantage * rho;
            if (isClipped) {
                clipped++;
            }
            // 3. k3 KL to the reference
            double k = 0;
            if (ref != null) {
                double diff = ref[t] - v[t];
                k = Math.exp(diff) - diff - 1;
                klSum += k;
                g += beta * (1 - Math.exp(diff));
            }
            // 4-5. loss and its gradient
            loss += -surrogate + beta * k;
            d[t] = scale * g;
        }
        logProbs = v;
        return new Weighted(scale * loss, counted, d);
    }

    /** This pass's log-prob per position (0 on the prompt): the rollout policy's when {@code old} was null. */
    public double[] logProbs() {
        return logProbs;
    }

    /** Completion tokens whose ratio was clipped (zero gradient) in the last compute. */
    public int clippedTokens() {
        return clipped;
    }

    /** Completion tokens of the last compute. */
    public int countedTokens() {
        return counted;
    }

    /** The sum over completion tokens of the k3 KL estimate in the last compute (0 without reference). */
    public double klSum() {
        return klSum;
    }
}
