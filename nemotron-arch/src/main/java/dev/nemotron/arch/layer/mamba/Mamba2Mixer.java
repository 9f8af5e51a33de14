package dev.nemotron.arch.layer.mamba;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerState;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.layer.LayerWeights;

/**
 * The Mamba-2 mixer of Nemotron-H, as HF transformers computes it.
 *
 * <pre>
 * x [L, d] -> out [L, d];  H heads of P, D = H*P, G groups, state N, conv kernel K
 * 1. proj = in_proj(x)                      [L, D + convDim + H], split z | xBC | dt
 * 2. xBC = silu(conv1d(xBC) + conv_bias)    causal depthwise; K-1 zeros (or the cached window) first
 * 3. split xBC into x [L,H,P], B [L,G,N], C [L,G,N]
 * 4. dt = clamp(softplus(dt + dt_bias), time_step_limit);  A = -exp(A_log)
 * 5. y = scan(x, dt, A, B, C) + D*x         chunked (SSD) for prefill, the recurrence for one token
 * 6. y = gated group RMSNorm(y, z) * norm.weight            [L, D]
 * 7. out = out_proj(y)                                       [L, d]
 * </pre>
 *
 * Steps 1, 6 and 7 are position-wise, so batched decoding runs them once over all sequences'
 * rows (one pass over the weights); steps 2-5 run per sequence, each on its own state.
 */
final class Mamba2Mixer implements Mixer {
    private final Mamba2Dims m;
    private final Kernels kernels;
    private final Tensor inProj;
    private final Tensor inProjBias;
    private final Tensor convWeight;
    private final Tensor convBias;
    private final float[] dtBias;
    private final float[] a;
    private final float[] d;
    private final Tensor normWeight;
    private final Tensor outProj;
    private final Tensor outProjBias;
    private final float eps;

    Mamba2Mixer(Mamba2Dims m, WeightSource w, Kernels kernels, double eps) {
        this.m = m;
        this.kernels = kernels;
        this.inProj = w.require("in_proj.weight");
        this.inProjBias = m.projBias() ? w.require("in_proj.bias") : null;
        this.convWeight = w.require("conv1d.weight");
        this.convBias = m.convBias() ? w.require("conv1d.bias") : null;
        this.dtBias = LayerWeights.floats(w.require("dt_bias"));
        float[] aLog = LayerWeights.floats(w.require("A_log"));
        this.a = new float[aLog.length];
        for (int h = 0; h < aLog.length; h++) {
            a[h] = (float) -Math.exp(aLog[h]);
        }
        this.d = LayerWeights.floats(w.require("D"));
        this.normWeight = w.require("norm.weight");
        this.outProj = w.require("out_proj.weight");
        this.outProjBias = m.projBias() ? w.require("out_proj.bias") : null;
        this.eps = (float) eps;
    }

    @Override
    public MixerState newState() {
        return new Mamba2State(m.convDim(), m.convKernel(), m.ssmShape().stateFloats());
    }

    @Override
    public void forward(float[] x, int seqLen, float[] out) {
        run(x, seqLen, out, null, false);
    }

    @Override
    public void forward(float[] x, int seqLen, float[] out, MixerState state) {
        run(x, seqLen, out, new MixerState[] {state}, false);
    }

    @Override
    public void decode(float[] x, int batch, MixerState[] states, float[] out) {
        run(x, batch, out, states, true);
    }

    /** {@code rows} rows of x: one sequence of that many tokens, or (decode) one token per state. */
    private void run(float[] x, int rows, float[] out, MixerState[] states, boolean rowPerSequence) {
        int inner = m.inner();
        int convDim = m.convDim();
        int heads = m.heads();
        int proj = m.projSize();

        // 1. in_proj over all rows, then split into z | xBC | dt
        float[] projected = new float[rows * proj];
        kernels.linear().matmul(x, rows, inProj, inProjBias, projected);
        float[] z = new float[rows * inner];
        float[] xbc = new float[rows * convDim];
        float[] dt = new float[rows * heads];
        for (int t = 0; t < rows; t++) {
            int row = t * proj;
            System.arraycopy(projected, row, z, t * inner, inner);
            System.arraycopy(projected, row + inner, xbc, t * convDim, convDim);
            System.arraycopy(projected, row + inner + convDim, dt, t * heads, heads);
        }

        // 2-5. per sequence: conv, split, dt, scan
        float[] y = new float[rows * inner];
        if (!rowPerSequence) {
            sequence(xbc, dt, rows, states == null ? null : (Mamba2State) states[0], y);
        } else {
            float[] oneXbc = new float[convDim];
            float[] oneDt = new float[heads];
            float[] oneY = new float[inner];
            for (int b = 0; b < rows; b++) {
                System.arraycopy(xbc, b * convDim, oneXbc, 0, convDim);
                System.arraycopy(dt, b * heads, oneDt, 0, heads);
                sequence(oneXbc, oneDt, 1, (Mamba2State) states[b], oneY);
                System.arraycopy(oneY, 0, y, b * inner, inner);
            }
        }

        // 6. gated group RMSNorm, in place
        kernels.norms().gatedGroupRmsNorm(y, z, rows, inner, m.groups(), normWeight, eps, y);

        // 7. out_proj
        kernels.linear().matmul(y, rows, outProj, outProjBias, out);
    }

    /** Steps 2-5 for {@code seqLen} tokens of one sequence; {@code dt} is modified. */
    private void sequence(float[] xbc, float[] dt, int seqLen, Mamba2State state, float[] y) {
        int inner = m.inner();
        int convDim = m.convDim();
        int heads = m.heads();
        int gn = m.groups() * m.stateSize();

        // 2. causal depthwise conv (continuing from the window) + bias, then SiLU
        float[] conv = new float[seqLen * convDim];
        kernels.mamba().causalConv1d(xbc, seqLen, convDim, convWeight, convBias,
                state == null ? null : state.convWindow, conv);
        kernels.activations().silu(conv, conv.length);

        // 3. split into x [L,H,P], B [L,G,N], C [L,G,N]
        float[] xs = new float[seqLen * inner];
        float[] b = new float[seqLen * gn];
        float[] c = new float[seqLen * gn];
        for (int t = 0; t < seqLen; t++) {
            int row = t * convDim;
            System.arraycopy(conv, row, xs, t * inner, inner);
            System.arraycopy(conv, row + inner, b, t * gn, gn);
            System.arraycopy(conv, row + inner + gn, c, t * gn, gn);
        }

        // 4. dt = clamp(softplus(dt + dt_bias))
        for (int t = 0; t < seqLen; t++) {
            for (int h = 0; h < heads; h++) {
                dt[t * heads + h] += dtBias[h];
            }
        }
        kernels.activations().softplus(dt, seqLen * heads);
        if (m.dtMin() > 0 || m.dtMax() < Double.POSITIVE_INFINITY) {
            float lo = (float) m.dtMin();
            float hi = (float) Math.min(m.dtMax(), Float.MAX_VALUE);
            for (int i = 0; i < seqLen * heads; i++) {
                dt[i] = Math.min(Math.max(dt[i], lo), hi);
            }
        }

        // 5. selective scan with the D skip connection: chunked for prefill, recurrence for a step
        float[] ssm = state == null ? null : state.ssm;
        if (seqLen == 1 && ssm != null) {
            kernels.mamba().recurrentScan(m.ssmShape(), 1, xs, dt, a, b, c, d, ssm, y);
        } else {
            kernels.mamba().chunkedScan(m.ssmShape(), seqLen, m.chunkSize(), xs, dt, a, b, c, d, ssm, y);
        }
    }
}
