package dev.nemotron.train.autodiff.attention;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.train.ParameterGradients;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.api.layer.train.TrainableMixerFactory;
import dev.nemotron.train.autodiff.core.LinearLayer;
import dev.nemotron.train.autodiff.core.LinearLayerOwner;
import java.util.List;

/**
 * Causal grouped-query self-attention without positional embedding (Nemotron-H), float64.
 *
 * <pre>
 * x [L, d] -> out [L, d];  Hq query heads, Hkv KV heads, head dim hd; query head h reads KV head h/(Hq/Hkv)
 * 1. q = q_proj(x) [L, Hq, hd];  k = k_proj(x), v = v_proj(x) [L, Hkv, hd]
 * 2. s[h,i,j] = q[i,h].k[j,kv(h)] / sqrt(hd) for j <= i;  p = softmax_j(s)     P [Hq, L, L]
 * 3. a[i,h] = sum_j p[h,i,j] v[j,kv(h)]                                          [L, Hq, hd]
 * 4. out = o_proj(a)
 * backward: o_proj; {@link CausalAttention#backward} (dq, dk, dv; GQA: the query heads sharing a KV
 * head add into its dk, dv); the three projections, dx summed q + k + v.
 * packed row: steps 2-3 per segment on its own rows (block-diagonal causal attention, cost
 * sum n_i^2). No positions to reset: Nemotron-H attention has no RoPE.
 * </pre>
 * Steps 2-3 and their backward are {@link CausalAttention} (per-head GEMMs).
 */
public final class TrainableAttention implements TrainableMixer<TrainableAttention.Saved>, LinearLayerOwner {
    /** The trainable form of nemotron-arch's attention layers (pattern symbol {@code *}). */
    public static final class Factory implements TrainableMixerFactory {
        @Override
        public char symbol() {
            return '*';
        }

        @Override
        public TrainableMixer<?> create(LayerContext layer, LayerDims dims, ParameterStore params) {
            if (!(dims instanceof AttentionDims a)) {
                throw new IllegalArgumentException("layer " + layer.index() + ": attention needs AttentionDims, got " + dims);
            }
            return new TrainableAttention(params, layer.weightPrefix(), a.qHeads(), a.kvHeads(), a.headDim());
        }
    }

    /** Projection inputs and outputs, the attention probabilities and the attention output. */
    public static final class Saved {
        double[] x;
        double[] q;
        double[] k;
        double[] v;
        double[][] p;
        CausalAttention.SegmentedForward packed;
        Segments segments;
        double[] a;
        int rows;

        /** The attention output entering {@code o_proj} [L, Hq*hd], query head h in channels h*hd..h*hd+hd-1. */
        public double[] headOutputs() {
            return a;
        }
    }

    private final CausalAttention.Shape shape;
    private final LinearLayer wq;
    private final LinearLayer wk;
    private final LinearLayer wv;
    private final LinearLayer wo;

    public TrainableAttention(ParameterStore params, String prefix, int qHeads, int kvHeads, int headDim) {
        this.wq = LinearLayer.of(params, prefix + "q_proj");
        this.wk = LinearLayer.of(params, prefix + "k_proj");
        this.wv = LinearLayer.of(params, prefix + "v_proj");
        this.wo = LinearLayer.of(params, prefix + "o_proj");
        if (qHeads % kvHeads != 0 || wq.out() != (long) qHeads * headDim || wk.out() != (long) kvHeads * headDim) {
            throw new IllegalArgumentException(prefix + ": projections do not match " + qHeads + " query heads, "
                    + kvHeads + " KV heads of " + headDim);
        }
        this.shape = new CausalAttention.Shape(qHeads, kvHeads, headDim);
    }

    /** The size of one query head. */
    public int headDim() {
        return shape.headDim();
    }

    @Override
    public List<LinearLayer> linearLayers() {
        return List.of(wq, wk, wv, wo);
    }

    @Override
    public Saved newSaved() {
        return new Saved();
    }

    @Override
    public double[] forward(double[] x, int rows, Saved saved) {
        return forward(x, rows, null, saved);
    }

    /** A packed row: each position attends to the earlier positions of its own segment only. */
    @Override
    public double[] forward(double[] x, Segments segments, Saved saved) {
        return forward(x, segments.length(), segments.isSingle() ? null : segments, saved);
    }

    private double[] forward(double[] x, int rows, Segments segments, Saved saved) {
        // 1. projections
        double[] q = wq.forward(x, rows);
        double[] k = wk.forward(x, rows);
        double[] v = wv.forward(x, rows);
        // 2-3. causal softmax attention per query head
        //      (packed: per segment)
        CausalAttention.Forward f = segments == null ? CausalAttention.forward(q, k, v, rows, shape) : null;
        CausalAttention.SegmentedForward packed = segments == null ? null
                : CausalAttention.forward(q, k, v, shape, segments);
        double[] a = f != null ? f.a() : packed.a();
        if (saved != null) {
            saved.x = x;
            saved.q = q;
            saved.k = k;
            saved.v = v;
            saved.p = f != null ? f.p() : null;
            saved.packed = packed;
            saved.segments = segments;
            saved.a = a;
            saved.rows = rows;
        }
        // 4. output projection
        return wo.forward(a, rows);
    }

    @Override
    public double[] backward(double[] dOut, Saved s, ParameterGradients grads) {
        // 4. o_proj
        double[] da = wo.backward(dOut, s.a, s.rows, grads);
        // 3-2. through the weighted sum and the softmax
        CausalAttention.Grads g = s.segments == null ? CausalAttention.backward(da, s.q, s.k, s.v, s.p, s.rows, shape)
                : CausalAttention.backward(da, s.q, s.k, s.v, s.packed, shape, s.segments);
        // 1. projections
        double[] dx = wq.backward(g.dq(), s.x, s.rows, grads);
        add(dx, wk.backward(g.dk(), s.x, s.rows, grads));
        add(dx, wv.backward(g.dv(), s.x, s.rows, grads));
        return dx;
    }

    private static void add(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }
}
