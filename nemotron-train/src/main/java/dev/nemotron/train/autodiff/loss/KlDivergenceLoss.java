package dev.nemotron.train.autodiff.loss;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.TrainingExecution;

/**
 * Logit distillation: the forward KL from a teacher's distribution to the student's at
 * temperature T, scaled by T² (Hinton et al.), averaged over the counted positions.
 *
 * <pre>
 * p = softmax(z_teacher[t] / T),  q = softmax(z_student[t] / T)
 * loss = (1/n) sum_{counted t} T² KL(p || q) = (1/n) sum_t T² sum_v p_v (log p_v - log q_v)
 * dloss / dz_student[t] = T (q - p) / n       (0 rows for positions not counted)
 * </pre>
 * On a device ({@link SoftTargetLoss}): the teacher's logits over the whole vocabulary.
 */
public final class KlDivergenceLoss implements SoftTargetLoss {
    private final double[] teacher;
    private final double temperature;
    private final boolean[] counted;

    /**
     * @param teacherLogits the teacher's logits [L, V] for the same tokens (kept, not copied)
     * @param temperature   T > 0 (1: plain KL)
     * @param counted       per position whether it counts, or null for every position
     */
    public KlDivergenceLoss(double[] teacherLogits, double temperature, boolean[] counted) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new NemotronException("distillation temperature must be a positive number, got " + temperature);
        }
        this.teacher = teacherLogits;
        this.temperature = temperature;
        this.counted = counted == null ? null : counted.clone();
    }

    @Override
    public boolean[] counted(int rows) {
        return SoftTargetLoss.countedOrAll(counted, rows);
    }

    @Override
    public TrainingExecution.SoftTargets softTargets(int rows, int vocab) {
        if (teacher.length != (long) rows * vocab) {
            throw new NemotronException("teacher logits (" + teacher.length + " values) must cover " + rows
                    + " positions x " + vocab);
        }
        return new TrainingExecution.SoftTargets(rows, vocab, null, SoftTargetLoss.floats(teacher), temperature, false);
    }

    @Override
    public Value compute(double[] logits, int rows, int vocab) {
        if (teacher.length != logits.length || logits.length != (long) rows * vocab
                || (counted != null && counted.length != rows)) {
            throw new NemotronException("teacher logits (" + teacher.length + " values), student logits ("
                    + logits.length + ") and the mask must all cover " + rows + " positions x " + vocab);
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
        double[] p = new double[vocab];
        double total = 0;
        for (int t = 0; t < rows; t++) {
            if (counted != null && !counted[t]) {
                continue;
            }
            int o = t * vocab;
            double lseP = logSumExp(teacher, o, vocab, tt);
            double lseQ = logSumExp(logits, o, vocab, tt);
            double kl = 0;
            for (int v = 0; v < vocab; v++) {
                double logP = teacher[o + v] / tt - lseP;
                double logQ = logits[o + v] / tt - lseQ;
                p[v] = Math.exp(logP);
                if (p[v] > 0) {
                    kl += p[v] * (logP - logQ);
                }
                d[o + v] = tt * (Math.exp(logQ) - p[v]) / n;
            }
            total += tt * tt * kl;
        }
        return new Value(total / n, n, d);
    }

    private static double logSumExp(double[] z, int o, int vocab, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, z[o + v] / temperature);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(z[o + v] / temperature - max);
        }
        return max + Math.log(sum);
    }
}
