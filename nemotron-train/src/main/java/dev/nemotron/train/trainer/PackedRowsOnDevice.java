package dev.nemotron.train.trainer;

import dev.nemotron.api.backend.TrainingExecution.DeviceTrainer;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cross-entropy of packed rows on a device ({@link DeviceSteps}), through the device calls that
 * DPO and GRPO already use (token log-probs and a backward with per-position weights), so the device
 * needs nothing new: the device rows are the samples, each on its own, which keeps them apart in
 * every layer as the host's segments do.
 *
 * <pre>
 * B rows, row b with n_b counted positions (target != -100), M forwards
 * 1. pieces: every sample (segment) of every row that has a counted position; a sample without one adds
 *    neither loss nor gradient (nothing crosses a seam), so it is left out
 * 2. buckets ({@link PieceBuckets}, budget B x L, L the longest row): forward g = its pieces right-padded
 *    to its width W_g with id 0 and label -100, [P_g, W_g]
 * 3. per forward: lp = the device's log p(label) per position -> loss_b += -lp / n_b on the host;
 *    backward with weight w = M / (B n_b) at each counted position (0 at the rest): the gradient of
 *    M sum_b (1/B) (1/n_b) sum_t CE_t over this forward's positions
 * 4. forwards beyond the plan (data parallel: every rank runs the most any rank needs, since the
 *    device all-reduces every backward pass): [1, 1] of id 0, label -100, weight 0: zero gradients
 * step: the device averages the M backward passes' gradient sums (nmc_trainer_step divides by them),
 *    so the M in the weights cancels: the gradient is the mean over rows of each row's mean over its
 *    counted positions, BatchGradients' packed cross-entropy
 * </pre>
 */
final class PackedRowsOnDevice {
    private PackedRowsOnDevice() {
    }

    /** Steps 1-2: the forwards of {@code batch}. */
    static List<PieceBuckets.Bucket> plan(TrainingBatch batch) {
        List<PieceBuckets.Piece> pieces = new ArrayList<>();
        int longest = 1;
        for (int b = 0; b < batch.inputs().length; b++) {
            longest = Math.max(longest, batch.inputs()[b].length);
            Segments seg = batch.segments(b);
            int[] targets = batch.targets()[b];
            for (int i = 0; i < seg.count(); i++) {
                if (counted(targets, seg.start(i), seg.length(i)) > 0) {
                    pieces.add(new PieceBuckets.Piece(b, seg.start(i), seg.length(i)));
                }
            }
        }
        return PieceBuckets.plan(pieces, (long) batch.inputs().length * longest);
    }

    /**
     * Steps 3-4: the mean over the rows of each row's mean cross-entropy, its gradients accumulated on
     * {@code device} over {@code forwards} >= max(1, plan.size()) backward passes.
     */
    static double lossAndGradients(DeviceTrainer device, TrainingBatch batch, List<PieceBuckets.Bucket> plan, int forwards) {
        if (forwards < Math.max(1, plan.size())) {
            throw new IllegalArgumentException(forwards + " forwards for a plan of " + plan.size());
        }
        int rows = batch.inputs().length;
        long[] n = new long[rows];
        for (int b = 0; b < rows; b++) {
            n[b] = counted(batch.targets()[b], 0, batch.targets()[b].length);
        }
        double[] sumCe = new double[rows];
        for (PieceBuckets.Bucket bucket : plan) {
            int p = bucket.pieces().size();
            int w = bucket.width();
            int[] ids = new int[Math.multiplyExact(p, w)];
            int[] labels = new int[ids.length];
            float[] weights = new float[ids.length];
            Arrays.fill(labels, CrossEntropy.IGNORE_INDEX);
            for (int i = 0; i < p; i++) {
                PieceBuckets.Piece pc = bucket.pieces().get(i);
                System.arraycopy(batch.inputs()[pc.row()], pc.start(), ids, i * w, pc.length());
                System.arraycopy(batch.targets()[pc.row()], pc.start(), labels, i * w, pc.length());
                float weight = (float) (forwards / ((double) rows * n[pc.row()]));
                for (int t = 0; t < pc.length(); t++) {
                    weights[i * w + t] = labels[i * w + t] == CrossEntropy.IGNORE_INDEX ? 0f : weight;
                }
            }
            // 3. log-probs to the rows' sums, the weighted backward
            try (var f = device.forward(ids, labels, p, w)) {
                float[] lp = device.tokenLogProbs(f);
                for (int i = 0; i < p; i++) {
                    PieceBuckets.Piece pc = bucket.pieces().get(i);
                    for (int t = 0; t < pc.length(); t++) {
                        if (labels[i * w + t] != CrossEntropy.IGNORE_INDEX) {
                            sumCe[pc.row()] -= lp[i * w + t];
                        }
                    }
                }
                device.backward(f, weights);
            }
        }
        // 4. the forwards other ranks run more
        for (int k = plan.size(); k < forwards; k++) {
            try (var f = device.forward(new int[] {0}, new int[] {CrossEntropy.IGNORE_INDEX}, 1, 1)) {
                device.backward(f, new float[] {0f});
            }
        }
        double loss = 0;
        for (int b = 0; b < rows; b++) {
            loss += n[b] == 0 ? 0 : sumCe[b] / n[b];  // a row with no counted position: loss 0, as on the host
        }
        return loss / rows;
    }

    private static long counted(int[] targets, int from, int length) {
        long c = 0;
        for (int t = from; t < from + length; t++) {
            c += targets[t] != CrossEntropy.IGNORE_INDEX ? 1 : 0;
        }
        return c;
    }
}
