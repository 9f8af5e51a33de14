package dev.nemotron.train.autodiff.activation;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-channel and per-head activation statistics over a calibration set, aggregated as Minitron
 * (arXiv 2407.14679) does: first over the sequence, then over the batch. Each observed sequence
 * is one batch element. {@code TrainableModel.activationStatistics(calibration)} fills one.
 *
 * <pre>
 * sequence s (positions t = 1..T_s), activation a[t, c], C channels in heads of size P:
 *   channel:  m_s[c] = (1/T_s) sum_t |a[t, c]|                      mean |a| over the sequence
 *   head:     n_s[h] = (1/T_s) sum_t || a[t, hP .. hP+P-1] ||_2     mean L2 norm of the head's vector
 * over the B sequences (per channel c, and likewise per head h):
 *   MEAN: (1/B) sum_s m_s[c]          L2: sqrt(sum_s m_s[c]²)
 * </pre>
 *
 * L2 over the batch of the sequence mean is Minitron's best-ranked aggregation; for a head of size
 * 1 the head statistic equals the channel one. The embedding-channel score of the paper sums the
 * channel scores of every RMSNorm output ({@link #hiddenChannelScores}). Thread-safe: concurrent
 * forward passes may share one instance.
 */
public final class ActivationStatistics implements ActivationObserver {
    /** How the per-sequence means combine over the batch. */
    public enum Aggregation {
        /** The mean over the sequences. */
        MEAN,
        /** The L2 norm over the sequences (Minitron's default). */
        L2
    }

    private record Key(int layer, ActivationSite.Kind kind) {
    }

    private static final class Acc {
        final ActivationSite site;
        final double[] channelSum;
        final double[] channelSq;
        final double[] headSum;
        final double[] headSq;
        long sequences;

        Acc(ActivationSite site) {
            this.site = site;
            this.channelSum = new double[site.channels()];
            this.channelSq = new double[site.channels()];
            this.headSum = new double[site.heads()];
            this.headSq = new double[site.heads()];
        }
    }

    private final Map<Key, Acc> sites = new LinkedHashMap<>();

    @Override
    public synchronized void observe(ActivationSite site, double[] values, int rows) {
        if (rows < 1 || values.length != (long) rows * site.channels()) {
            throw new NemotronException(site + ": " + values.length + " values for " + rows + " positions");
        }
        Acc acc = sites.computeIfAbsent(new Key(site.layer(), site.kind()), k -> new Acc(site));
        if (!acc.site.equals(site)) {
            throw new NemotronException("layer " + site.layer() + " " + site.kind() + " changed shape from "
                    + acc.site + " to " + site);
        }
        int c = site.channels();
        int p = site.headSize();
        double[] m = new double[c];
        double[] n = new double[site.heads()];
        for (int t = 0; t < rows; t++) {
            int o = t * c;
            for (int h = 0; h < n.length; h++) {
                double ss = 0;
                for (int j = h * p; j < h * p + p; j++) {
                    double v = values[o + j];
                    m[j] += Math.abs(v);
                    ss += v * v;
                }
                n[h] += Math.sqrt(ss);
            }
        }
        for (int j = 0; j < c; j++) {
            double mean = m[j] / rows;
            acc.channelSum[j] += mean;
            acc.channelSq[j] += mean * mean;
        }
        for (int h = 0; h < n.length; h++) {
            double mean = n[h] / rows;
            acc.headSum[h] += mean;
            acc.headSq[h] += mean * mean;
        }
        acc.sequences++;
    }

    /** The observed activations, in the order first seen (model order). */
    public synchronized List<ActivationSite> sites() {
        List<ActivationSite> out = new ArrayList<>();
        for (Acc a : sites.values()) {
            out.add(a.site);
        }
        return out;
    }

    /** The sequences observed at {@code layer}'s {@code kind} (0 when never observed). */
    public synchronized long sequences(int layer, ActivationSite.Kind kind) {
        Acc a = sites.get(new Key(layer, kind));
        return a == null ? 0 : a.sequences;
    }

    /** Per channel: the batch aggregation of the sequence mean of |a| (see the class comment). */
    public synchronized double[] channelScores(int layer, ActivationSite.Kind kind, Aggregation how) {
        Acc a = require(layer, kind);
        return aggregate(a.channelSum, a.channelSq, a.sequences, how);
    }

    /** Per head: the batch aggregation of the sequence mean of the head vector's L2 norm. */
    public synchronized double[] headScores(int layer, ActivationSite.Kind kind, Aggregation how) {
        Acc a = require(layer, kind);
        return aggregate(a.headSum, a.headSq, a.sequences, how);
    }

    /**
     * Embedding (hidden) channels: the channel scores of every block's norm output and of
     * {@code norm_f}, summed over the layers.
     */
    public synchronized double[] hiddenChannelScores(Aggregation how) {
        double[] total = null;
        for (Acc a : sites.values()) {
            ActivationSite.Kind k = a.site.kind();
            if (k != ActivationSite.Kind.BLOCK_NORM && k != ActivationSite.Kind.FINAL_NORM) {
                continue;
            }
            double[] s = aggregate(a.channelSum, a.channelSq, a.sequences, how);
            if (total == null) {
                total = s;
            } else {
                for (int j = 0; j < s.length; j++) {
                    total[j] += s[j];
                }
            }
        }
        if (total == null) {
            throw new NemotronException("no norm activations observed: run forward passes with this observer first");
        }
        return total;
    }

    private Acc require(int layer, ActivationSite.Kind kind) {
        Acc a = sites.get(new Key(layer, kind));
        if (a == null) {
            throw new NemotronException("no " + kind + " activations observed at layer " + layer
                    + " (observed: " + sites.keySet() + ")");
        }
        return a;
    }

    private static double[] aggregate(double[] sum, double[] sq, long sequences, Aggregation how) {
        double[] out = new double[sum.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = how == Aggregation.MEAN ? sum[j] / sequences : Math.sqrt(sq[j]);
        }
        return out;
    }
}
