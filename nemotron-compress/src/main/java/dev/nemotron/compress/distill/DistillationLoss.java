package dev.nemotron.compress.distill;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.train.autodiff.loss.KlDivergenceLoss;
import dev.nemotron.train.autodiff.loss.SoftTargetLoss;
import java.util.Arrays;

/**
 * Logit distillation of one sequence: a KL between the teacher's and the student's distributions at
 * temperature T, scaled by T², averaged over the counted positions. Forward KL over the whole
 * vocabulary is nemotron-train's {@link KlDivergenceLoss}; this class adds the reverse KL and the
 * top-k restriction.
 *
 * <pre>
 * per counted position t (n of them), u = z_student[t] / T, w = z_teacher[t] / T:
 * 1. support S = all V tokens, or the teacher's k largest logits (ties: the lower token id)
 * 2. log p = w - logsumexp_S(w),  log q = u - logsumexp_S(u)             (both renormalised over S)
 * 3. forward: l_t = sum_S p (log p - log q)      d l_t / d u_v = q_v - p_v
 *    reverse: l_t = sum_S q (log q - log p)      d l_t / d u_v = q_v (log q_v - log p_v - l_t)
 * 4. loss = (1/n) sum_t T² l_t;   d loss / d z_student[t, v] = (T / n) d l_t / d u_v  for v in S, 0 elsewhere
 * </pre>
 * Student == teacher gives 0 in every mode (both distributions are renormalised over the same S).
 * On a device ({@link SoftTargetLoss#softTargets}): step 1 here, the support's ids (none for the
 * whole vocabulary) and the teacher's logits on it go to the device, which runs steps 2-4.
 */
public final class DistillationLoss implements SoftTargetLoss {
    private final double[] teacher;
    private final double temperature;
    private final Divergence divergence;
    private final int topK;
    private final boolean[] counted;

    /**
     * @param teacherLogits the teacher's logits [L, V] for the same tokens (kept, not copied)
     * @param topK          0: the whole vocabulary; else the teacher's k most likely tokens per position
     * @param counted       per position whether it counts, or null for every position
     */
    public DistillationLoss(double[] teacherLogits, double temperature, Divergence divergence, int topK, boolean[] counted) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new NemotronException("distillation temperature must be a positive number, got " + temperature);
        }
        if (topK < 0) {
            throw new NemotronException("top-k must be >= 0 (0: the whole vocabulary), got " + topK);
        }
        this.teacher = teacherLogits;
        this.temperature = temperature;
        this.divergence = divergence;
        this.topK = topK;
        this.counted = counted == null ? null : counted.clone();
    }

    /** The loss for these settings: the trainer's own forward KL when it covers the case, else this class. */
    public static SoftTargetLoss of(double[] teacherLogits, double temperature, Divergence divergence, int topK, boolean[] counted) {
        if (divergence == Divergence.FORWARD && topK == 0) {
            return new KlDivergenceLoss(teacherLogits, temperature, counted);
        }
        return new DistillationLoss(teacherLogits, temperature, divergence, topK, counted);
    }

    @Override
    public boolean[] counted(int rows) {
        return SoftTargetLoss.countedOrAll(counted, rows);
    }

    /** Step 1 per counted position (other positions: ids 0..k-1, logits 0; the device skips them). */
    @Override
    public TrainingExecution.SoftTargets softTargets(int rows, int vocab) {
        if (teacher.length != (long) rows * vocab || (counted != null && counted.length != rows)) {
            throw new NemotronException("teacher logits (" + teacher.length + " values) and the mask must cover "
                    + rows + " positions x " + vocab + " (teacher and student need the same vocabulary)");
        }
        int k = topK == 0 || topK >= vocab ? vocab : topK;
        boolean reverse = divergence == Divergence.REVERSE;
        if (k == vocab) {
            return new TrainingExecution.SoftTargets(rows, k, null, SoftTargetLoss.floats(teacher), temperature, reverse);
        }
        int[] ids = new int[rows * k];
        float[] logits = new float[rows * k];
        int[] support = new int[k];
        for (int t = 0; t < rows; t++) {
            if (counted != null && !counted[t]) {
                for (int i = 0; i < k; i++) {
                    ids[t * k + i] = i;
                }
                continue;
            }
            select(teacher, t * vocab, vocab, support);
            for (int i = 0; i < k; i++) {
                ids[t * k + i] = support[i];
                logits[t * k + i] = (float) teacher[t * vocab + support[i]];
            }
        }
        return new TrainingExecution.SoftTargets(rows, k, ids, logits, temperature, reverse);
    }

    @Override
    public Value compute(double[] logits, int rows, int vocab) {
        if (teacher.length != logits.length || logits.length != (long) rows * vocab
                || (counted != null && counted.length != rows)) {
            throw new NemotronException("teacher logits (" + teacher.length + " values), student logits ("
                    + logits.length + ") and the mask must all cover " + rows + " positions x " + vocab
                    + " (teacher and student need the same vocabulary)");
        }
        int n = 0;
        for (int t = 0; t < rows; t++) {
            n += counted == null || counted[t] ? 1 : 0;
        }
        double[] d = new double[rows * vocab];
        if (n == 0) {
            return new Value(0, 0, d);
        }
        double tt = temperature;
        int k = topK == 0 || topK >= vocab ? vocab : topK;
        int[] support = new int[k];
        double[] logP = new double[k];
        double[] logQ = new double[k];
        double total = 0;
        for (int t = 0; t < rows; t++) {
            if (counted != null && !counted[t]) {
                continue;
            }
            int o = t * vocab;
            // 1. support
            select(teacher, o, vocab, support);
            // 2. renormalised log-probabilities over the support
            logSoftmax(teacher, o, support, tt, logP);
            logSoftmax(logits, o, support, tt, logQ);
            // 3-4. divergence and gradient
            double l = 0;
            if (divergence == Divergence.FORWARD) {
                for (int i = 0; i < k; i++) {
                    double p = Math.exp(logP[i]);
                    if (p > 0) {
                        l += p * (logP[i] - logQ[i]);
                    }
                    d[o + support[i]] = tt * (Math.exp(logQ[i]) - p) / n;
                }
            } else {
                for (int i = 0; i < k; i++) {
                    double q = Math.exp(logQ[i]);
                    if (q > 0) {
                        l += q * (logQ[i] - logP[i]);
                    }
                }
                for (int i = 0; i < k; i++) {
                    double q = Math.exp(logQ[i]);
                    double g = q > 0 ? q * (logQ[i] - logP[i] - l) : 0;
                    d[o + support[i]] = tt * g / n;
                }
            }
            total += tt * tt * l;
        }
        return new Value(total / n, n, d);
    }

    /** The k token ids with the largest logits (the whole vocabulary when k == vocab), ties to the lower id. */
    static void select(double[] z, int o, int vocab, int[] out) {
        int k = out.length;
        if (k == vocab) {
            for (int v = 0; v < vocab; v++) {
                out[v] = v;
            }
            return;
        }
        Integer[] ids = new Integer[vocab];
        for (int v = 0; v < vocab; v++) {
            ids[v] = v;
        }
        Arrays.sort(ids, (a, b) -> {
            int c = Double.compare(z[o + b], z[o + a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int i = 0; i < k; i++) {
            out[i] = ids[i];
        }
    }

    private static void logSoftmax(double[] z, int o, int[] support, double temperature, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v : support) {
            max = Math.max(max, z[o + v] / temperature);
        }
        double sum = 0;
        for (int v : support) {
            sum += Math.exp(z[o + v] / temperature - max);
        }
        double lse = max + Math.log(sum);
        for (int i = 0; i < support.length; i++) {
            out[i] = z[o + support[i]] / temperature - lse;
        }
    }
}
