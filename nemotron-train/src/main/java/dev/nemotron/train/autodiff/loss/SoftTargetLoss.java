package dev.nemotron.train.autodiff.loss;

import dev.nemotron.api.backend.TrainingExecution;
import java.util.Arrays;

/**
 * A loss against a teacher's distribution at every counted position (logit distillation:
 * {@link KlDivergenceLoss}, nemotron-compress's {@code DistillationLoss}). The host trainer runs
 * {@link #compute}; a device with a soft-target head runs the same function itself from the
 * teacher's targets ({@link #softTargets}, {@code DeviceSteps}): only the support and the teacher's
 * logits on it cross to the device, never a gradient.
 */
public interface SoftTargetLoss extends Loss {
    /** Per position of a sequence of {@code rows} whether it counts (the loss averages over those). */
    boolean[] counted(int rows);

    /**
     * The teacher's targets for a sequence of {@code rows} positions over {@code vocab} tokens: the
     * support per position (the whole vocabulary or the teacher's top k, as {@link #compute} uses) and
     * the teacher's logits on it, the temperature and the direction of the KL.
     *
     * @throws dev.nemotron.api.NemotronException when the teacher's logits do not cover rows x vocab
     */
    TrainingExecution.SoftTargets softTargets(int rows, int vocab);

    /** {@code counted} (a copy), or every one of {@code rows} positions when it is null. */
    static boolean[] countedOrAll(boolean[] counted, int rows) {
        if (counted != null) {
            return counted.clone();
        }
        boolean[] all = new boolean[rows];
        Arrays.fill(all, true);
        return all;
    }

    /** {@code a} as floats (the device's teacher logits). */
    static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
