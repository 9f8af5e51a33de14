package dev.nemotron.train.autodiff.mamba;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.layer.train.ParameterGradients;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.api.layer.train.TrainableMixerFactory;
import dev.nemotron.train.autodiff.core.Activations;
import dev.nemotron.train.autodiff.core.LinearLayer;
import dev.nemotron.train.autodiff.core.LinearLayerOwner;
import dev.nemotron.train.autodiff.norm.GatedGroupRmsNorm;
import java.util.List;

/**
 * The Mamba-2 mixer of Nemotron-H in float64, forward as nemotron-arch's {@code Mamba2Mixer}
 * (docs/numerics.md), with its backward pass.
 *
 * <pre>
 * x [L, d] -> out [L, d];  H heads of P, D = H*P, G groups, state N, conv kernel K, convDim = D + 2GN
 * 1. proj = in_proj(x) [L, D + convDim + H], split z | xBC | dtRaw
 * 2. c = causal depthwise conv(xBC) + conv1d.bias (K-1 zeros first);  xBC' = silu(c)
 * 3. split xBC' into x [L,H,P], B [L,G,N], C [L,G,N]
 * 4. dt = clamp(softplus(dtRaw + dt_bias), time_step_limit);  A = -exp(A_log)
 * 5. y = scan(x, dt, A, B, C) + D x                  chunked (SSD) form or the recurrence
 * 6. n = gated group RMSNorm(y, z) * norm.weight     [L, D]
 * 7. out = out_proj(n)
 * backward, in reverse: out_proj; gated norm (dy, dz); scan (recurrence in reverse: dx, dB, dC, ddt,
 * dA, dD); dA_log = dA * A; ddtRaw = ddt * softplus'(.) (0 where clamped), dt_bias += sum_t;
 * silu'(c) (from the sigmoid forward kept); conv: dw[c,j] += sum_t dc[t,c] in[t+j-K+1, c],
 * dbias += sum_t dc, din += w dc; in_proj.
 * packed row (segments; start[t] = first position of t's segment), as mamba_ssm's seq_idx:
 * 2. the conv taps reading positions before start[t] read zeros (forward and backward)
 * 5. the scan's state restarts from zero at every segment start ({@link SelectiveScan})
 * </pre>
 */
public final class TrainableMamba2 implements TrainableMixer<TrainableMamba2.Saved>, LinearLayerOwner {
    /** The trainable form of nemotron-arch's Mamba-2 layers (pattern symbol {@code M}). */
    public static final class Factory implements TrainableMixerFactory {
        @Override
        public char symbol() {
            return 'M';
        }

        @Override
        public TrainableMixer<?> create(LayerContext layer, LayerDims dims, ParameterStore params) {
            if (!(dims instanceof Mamba2Dims m)) {
                throw new IllegalArgumentException("layer " + layer.index() + ": Mamba-2 needs Mamba2Dims, got " + dims);
            }
            return new TrainableMamba2(params, layer.weightPrefix(), m, layer.config().normEpsilon());
        }
    }

    /** What one forward pass keeps. */
    public static final class Saved {
        double[] x;
        double[] xbc;
        double[] conv;
        double[] convSig;
        double[] dtPre;
        double[] dt;
        double[] a;
        double[] normed;
        int[] starts;
        int rows;
        final SelectiveScan.Saved scan = new SelectiveScan.Saved();
        final GatedGroupRmsNorm.Saved norm = new GatedGroupRmsNorm.Saved();

        /** The gated norm's output entering {@code out_proj} [L, H*P], head h in channels h*P..h*P+P-1. */
        public double[] outProjInput() {
            return normed;
        }
    }

    private final String prefix;
    private final Mamba2Dims m;
    private final int hidden;
    private final LinearLayer inProj;
    private final double[] convW;
    private final double[] convB;
    private final double[] dtBias;
    private final double[] aLog;
    private final double[] dSkip;
    private final LinearLayer outProj;
    private final GatedGroupRmsNorm norm;
    private SelectiveScan.Mode mode = SelectiveScan.Mode.CHUNKED;

    /** @param eps the gated norm's epsilon ({@code layer_norm_epsilon}) */
    public TrainableMamba2(ParameterStore params, String prefix, Mamba2Dims dims, double eps) {
        this.prefix = prefix;
        this.m = dims;
        this.inProj = LinearLayer.of(params, prefix + "in_proj");
        this.hidden = inProj.in();
        this.convW = params.get(prefix + "conv1d.weight");
        this.convB = params.getOrNull(prefix + "conv1d.bias");
        this.dtBias = params.get(prefix + "dt_bias");
        this.aLog = params.get(prefix + "A_log");
        this.dSkip = params.get(prefix + "D");
        this.outProj = LinearLayer.of(params, prefix + "out_proj");
        this.norm = new GatedGroupRmsNorm(params, prefix + "norm.weight", dims.groups(), eps);
        if (inProj.out() != dims.projSize()
                || convW.length != dims.convDim() * dims.convKernel()) {
            throw new IllegalArgumentException(prefix + ": in_proj / conv1d shapes do not match " + dims);
        }
    }

    /** The layer's sizes. */
    public Mamba2Dims dims() {
        return m;
    }

    /** Chooses the scan's forward form (chunked by default); the backward pass is the same. */
    public TrainableMamba2 scanMode(SelectiveScan.Mode mode) {
        this.mode = mode;
        return this;
    }

    @Override
    public List<LinearLayer> linearLayers() {
        return List.of(inProj, outProj);
    }

    @Override
    public Saved newSaved() {
        return new Saved();
    }

    @Override
    public double[] forward(double[] x, int rows, Saved saved) {
        return forward(x, rows, null, saved);
    }

    /** A packed row: the conv window and the scan state restart at every segment start. */
    @Override
    public double[] forward(double[] x, Segments segments, Saved saved) {
        return forward(x, segments.length(), segments.isSingle() ? null : segments.tokenStarts(), saved);
    }

    /** @param starts per position the first position of its segment, or null (one segment) */
    private double[] forward(double[] x, int rows, int[] starts, Saved saved) {
        int inner = m.inner(), convDim = m.convDim(), hh = m.heads(), proj = m.projSize(), k = m.convKernel();
        int gn = m.groups() * m.stateSize();
        // 1. in_proj, split z | xBC | dtRaw
        double[] projected = inProj.forward(x, rows);
        double[] z = new double[rows * inner];
        double[] xbc = new double[rows * convDim];
        double[] dtPre = new double[rows * hh];
        for (int t = 0; t < rows; t++) {
            System.arraycopy(projected, t * proj, z, t * inner, inner);
            System.arraycopy(projected, t * proj + inner, xbc, t * convDim, convDim);
            System.arraycopy(projected, t * proj + inner + convDim, dtPre, t * hh, hh);
        }
        // 2. causal depthwise conv + bias, SiLU
        double[] conv = new double[rows * convDim];
        double[] act = new double[rows * convDim];
        double[] convSig = new double[rows * convDim];
        for (int t = 0; t < rows; t++) {
            int from = starts == null ? 0 : starts[t];
            for (int ch = 0; ch < convDim; ch++) {
                double sum = convB == null ? 0 : convB[ch];
                for (int j = 0; j < k; j++) {
                    int src = t + j - (k - 1);
                    if (src >= from) {
                        sum += convW[ch * k + j] * xbc[src * convDim + ch];
                    }
                }
                conv[t * convDim + ch] = sum;
                double sg = Activations.sigmoid(sum);
                convSig[t * convDim + ch] = sg;
                act[t * convDim + ch] = sum * sg;
            }
        }
        // 3. split into x, B, C
        double[] xs = new double[rows * inner];
        double[] b = new double[rows * gn];
        double[] c = new double[rows * gn];
        for (int t = 0; t < rows; t++) {
            System.arraycopy(act, t * convDim, xs, t * inner, inner);
            System.arraycopy(act, t * convDim + inner, b, t * gn, gn);
            System.arraycopy(act, t * convDim + inner + gn, c, t * gn, gn);
        }
        // 4. dt and A
        double[] dt = new double[rows * hh];
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < hh; h++) {
                int i = t * hh + h;
                dtPre[i] += dtBias[h];
                dt[i] = Activations.softplus(dtPre[i]);
                if (m.clampsDt()) {
                    dt[i] = Math.min(Math.max(dt[i], m.dtMin()), m.dtMax());
                }
            }
        }
        double[] a = new double[hh];
        for (int h = 0; h < hh; h++) {
            a[h] = -Math.exp(aLog[h]);
        }
        // 5. scan with the D skip
        SelectiveScan.Shape shape = new SelectiveScan.Shape(hh, m.headDim(), m.groups(), m.stateSize());
        double[] y = SelectiveScan.forward(mode, shape, rows, m.chunkSize(), xs, dt, a, b, c, dSkip, starts,
                saved == null ? null : saved.scan);
        // 6. gated group norm
        double[] normed = norm.forward(y, z, rows, saved == null ? null : saved.norm);
        if (saved != null) {
            saved.x = x;
            saved.xbc = xbc;
            saved.conv = conv;
            saved.convSig = convSig;
            saved.dtPre = dtPre;
            saved.dt = dt;
            saved.a = a;
            saved.normed = normed;
            saved.starts = starts;
            saved.rows = rows;
        }
        // 7. out_proj
        return outProj.forward(normed, rows);
    }

    @Override
    public double[] backward(double[] dOut, Saved s, ParameterGradients grads) {
        int rows = s.rows;
        int inner = m.inner(), convDim = m.convDim(), hh = m.heads(), proj = m.projSize(), k = m.convKernel();
        int gn = m.groups() * m.stateSize();
        // 7. out_proj
        double[] dNormed = outProj.backward(dOut, s.normed, rows, grads);
        // 6. gated norm
        GatedGroupRmsNorm.InputGrads ng = norm.backward(dNormed, s.norm, grads);
        // 5. scan (D, A)
        SelectiveScan.Grads sg = SelectiveScan.backward(ng.dy(), s.scan);
        double[] dD = grads.get(prefix + "D");
        double[] dALog = grads.get(prefix + "A_log");
        for (int h = 0; h < hh; h++) {
            dD[h] += sg.dd()[h];
            dALog[h] += sg.da()[h] * s.a[h];
        }
        // 4. dt: softplus', zero where clamped; dt_bias
        double[] dDtBias = grads.get(prefix + "dt_bias");
        double[] dDtRaw = new double[rows * hh];
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < hh; h++) {
                int i = t * hh + h;
                double sp = Activations.softplus(s.dtPre[i]);
                boolean clamped = m.clampsDt() && (sp < m.dtMin() || sp > m.dtMax());
                double g = clamped ? 0 : sg.ddt()[i] * Activations.softplusGrad(s.dtPre[i]);
                dDtRaw[i] = g;
                dDtBias[h] += g;
            }
        }
        // 3-2. merge dx | dB | dC, through SiLU and the conv
        double[] dConv = new double[rows * convDim];
        for (int t = 0; t < rows; t++) {
            for (int ch = 0; ch < convDim; ch++) {
                double g;
                if (ch < inner) {
                    g = sg.dx()[t * inner + ch];
                } else if (ch < inner + gn) {
                    g = sg.db()[t * gn + ch - inner];
                } else {
                    g = sg.dc()[t * gn + ch - inner - gn];
                }
                int i = t * convDim + ch;
                dConv[i] = g * Activations.siluGrad(s.conv[i], s.convSig[i]);
            }
        }
        double[] dConvW = grads.get(prefix + "conv1d.weight");
        double[] dConvB = convB == null ? null : grads.get(prefix + "conv1d.bias");
        double[] dXbc = new double[rows * convDim];
        for (int t = 0; t < rows; t++) {
            int from = s.starts == null ? 0 : s.starts[t];
            for (int ch = 0; ch < convDim; ch++) {
                double g = dConv[t * convDim + ch];
                if (dConvB != null) {
                    dConvB[ch] += g;
                }
                for (int j = 0; j < k; j++) {
                    int src = t + j - (k - 1);
                    if (src >= from) {
                        dConvW[ch * k + j] += g * s.xbc[src * convDim + ch];
                        dXbc[src * convDim + ch] += g * convW[ch * k + j];
                    }
                }
            }
        }
        // 1. in_proj
        double[] dProj = new double[rows * proj];
        for (int t = 0; t < rows; t++) {
            System.arraycopy(ng.dz(), t * inner, dProj, t * proj, inner);
            System.arraycopy(dXbc, t * convDim, dProj, t * proj + inner, convDim);
            System.arraycopy(dDtRaw, t * hh, dProj, t * proj + inner + convDim, hh);
        }
        return inProj.backward(dProj, s.x, rows, grads);
    }
}
