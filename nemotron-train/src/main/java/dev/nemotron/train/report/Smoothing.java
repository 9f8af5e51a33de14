package dev.nemotron.train.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Exponential moving average of a loss curve, debiased (as TensorBoard's smoothing and Adam's
 * moments): {@code m_t = w·m_{t-1} + (1-w)·x_t}, {@code m_0 = 0}, plotted as
 * {@code m_t / (1 - w^t)}, so the first point is the first loss rather than a value pulled
 * towards 0. Non-finite losses are skipped (they neither appear nor poison the average).
 */
public final class Smoothing {
    private Smoothing() {
    }

    /**
     * @param points the curve, in step order
     * @param weight the weight of the past, in {@code [0, 1)}; 0 returns the finite points unchanged
     * @return the smoothed curve at the steps of the finite points
     */
    public static List<LossPoint> ema(List<LossPoint> points, double weight) {
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("smoothing weight must be in [0, 1), got " + weight);
        }
        List<LossPoint> out = new ArrayList<>(points.size());
        double m = 0;
        double pow = 1;
        for (LossPoint p : points) {
            if (!Double.isFinite(p.loss())) {
                continue;
            }
            m = weight * m + (1 - weight) * p.loss();
            pow *= weight;
            out.add(new LossPoint(p.step(), m / (1 - pow)));
        }
        return out;
    }
}
