package dev.nemotron.backend.onnx.graph;

import dev.nemotron.api.layer.dims.Mamba2Dims;
import java.util.List;

/**
 * One Mamba-2 layer in ONNX operators (docs/numerics.md, docs/mamba2.md).
 *
 * <pre>
 * B batch  T tokens (1 when decoding)  R = B*T rows  Tp = T padded to a multiple of c  nc = Tp/c
 * d hidden  H heads  P head_dim  D = H*P  G groups  N state  K conv kernel  c chunk  hpg = H/G
 * in:  xn [R, d] (normed residual)    out: [R, d]
 * </pre>
 *
 * Prefill runs the chunked SSD (ssd_minimal's steps, numbered below) from a zero state and
 * returns the final state and the conv window; decode runs the recurrence one step from the
 * state and window it is given. Padding to whole chunks appends tokens with {@code dt = 0} and
 * {@code x = B = C = 0}: they leave the state unchanged and their outputs are cut off.
 */
final class MambaGraph {
    private static final long END = Long.MAX_VALUE;

    private final GraphBuilder g;
    private final WeightWriter w;
    private final Mamba2Dims m;
    private final String prefix;
    private final int layer;
    private final int dim;
    private final int heads;
    private final int headDim;
    private final int groups;
    private final int state;
    private final int kernel;
    private final int convDim;
    private final float epsilon;

    MambaGraph(GraphBuilder g, WeightWriter w, Mamba2Dims m, int layer, float epsilon) {
        this.g = g;
        this.w = w;
        this.m = m;
        this.layer = layer;
        this.prefix = "backbone.layers." + layer + ".mixer.";
        this.dim = m.inner();
        this.heads = m.heads();
        this.headDim = m.headDim();
        this.groups = m.groups();
        this.state = m.stateSize();
        this.kernel = m.convKernel();
        this.convDim = m.convDim();
        this.epsilon = epsilon;
    }

    private String weight(String name, long... shape) {
        return w.weight(g, prefix + name, shape);
    }

    private String optional(String name, boolean present, long... shape) {
        return present && w.has(prefix + name) ? weight(name, shape) : null;
    }

    /** The prefill form; {@code bt} is the [2] shape {B, T} of the input ids. */
    String prefill(String xn, String bt) {
        // in_proj → z [R, D] | xBC [R, convDim] | dt [R, H]
        List<String> zxd = g.split(g.linear(xn, weight("in_proj.weight", m.projSize(), m.hidden()),
                optional("in_proj.bias", m.projBias(), m.projSize())), 1, dim, convDim, heads);
        String z = zxd.get(0);

        // causal depthwise conv over T (K-1 zeros in front) + SiLU; the window of the last K-1 inputs
        String xbcT = g.transpose(g.reshape(zxd.get(1), g.concat(0, bt, g.ints(convDim))), 0, 2, 1); // [B, convDim, T]
        List<String> convIn = new java.util.ArrayList<>(List.of(xbcT, weight("conv1d.weight", convDim, 1, kernel)));
        String convBias = optional("conv1d.bias", m.convBias(), convDim);
        if (convBias != null) {
            convIn.add(convBias);
        }
        String conv = g.op("Conv", convIn, GraphBuilder.attr("group", (long) convDim),
                GraphBuilder.attrs("kernel_shape", kernel), GraphBuilder.attrs("pads", kernel - 1, 0));
        String window = g.slice(g.op("Pad", List.of(xbcT, g.ints(0, 0, kernel - 1, 0, 0, 0))), -(kernel - 1), END, 2);
        g.output(IoNames.convState(layer), window, GraphBuilder.FLOAT, "batch", convDim, kernel - 1);
        String xbc = g.transpose(g.silu(conv), 0, 2, 1);                                              // [B, T, convDim]
        String dt = dt(g.reshape(zxd.get(2), g.concat(0, bt, g.ints(heads))));                      // [B, T, H]

        // pad T to Tp = nc*c with zeros
        long c = m.chunkSize();
        String t = g.slice(bt, 1, 2, 0);
        String padLen = g.op("Mod", List.of(g.sub(g.ints(c), g.op("Mod", List.of(t, g.ints(c)))), g.ints(c)));
        String pads = g.concat(0, g.ints(0, 0, 0, 0), padLen, g.ints(0));
        List<String> xBC = g.split(g.op("Pad", List.of(xbc, pads)), 2, dim, (long) groups * state, (long) groups * state);
        String dtp = g.op("Pad", List.of(dt, pads));                                                   // [B, Tp, H]
        String x = xBC.get(0);                                                                         // [B, Tp, D]
        String x5 = g.transpose(g.reshape(x, 0, -1, c, heads, headDim), 0, 3, 1, 2, 4);                // [B, H, nc, c, P]
        String dt4 = g.transpose(g.reshape(dtp, 0, -1, c, heads), 0, 3, 1, 2);                         // [B, H, nc, c]
        String bh = perHead(xBC.get(1), c);                                                            // [B, H, nc, c, N]
        String ch = perHead(xBC.get(2), c);
        String xdt = g.mul(x5, g.unsqueeze(dt4, 4));                                                    // X = x·dt

        // 1. cumulative sums of dt·A within each chunk                                                 [B, H, nc, c]
        String a = g.reshape(g.neg(g.exp(weight("A_log", heads))), heads, 1, 1);
        String cs = g.cumsum(g.mul(dt4, a), 3);
        String minusInf = g.scalar(Float.NEGATIVE_INFINITY);
        // 2. intra-chunk: Y_diag = (C·Bᵀ ∘ L)·X, L[l,s] = exp(cs[l] - cs[s]) for l >= s                [B, H, nc, c, P]
        String diff = g.sub(g.unsqueeze(cs, 4), g.unsqueeze(cs, 3));
        String decay = g.exp(g.where(g.lowerTriangle((int) c), diff, minusInf));
        String scores = g.matmul(ch, g.transpose(bh, 0, 1, 2, 4, 3));
        String yDiag = g.matmul(g.mul(scores, decay), xdt);
        // 3. each chunk's own final state: Σ_s exp(cs[c-1] - cs[s])·X[s] ⊗ B[s]                        [B, H, nc, P, N]
        String last = g.slice(cs, c - 1, c, 3);                                                         // [B, H, nc, 1]
        String decayStates = g.exp(g.sub(last, cs));
        String states = g.matmul(g.transpose(g.mul(xdt, g.unsqueeze(decayStates, 4)), 0, 1, 2, 4, 3), bh);
        // 4. between chunks: state entering chunk z = Σ_{j<=z} exp(Z[z] - Z[j])·states[j-1] (zero state first)
        String z1 = g.cumsum(g.op("Pad", List.of(g.squeeze(last, 3), g.ints(0, 0, 1, 0, 0, 0))), 2);   // [B, H, nc+1]
        String chunkDiff = g.sub(g.unsqueeze(z1, 3), g.unsqueeze(z1, 2));                              // [B, H, nc+1, nc+1]
        String n1 = g.squeeze(g.slice(g.shape(z1), 2, 3, 0), 0);
        String r = g.op("Range", List.of(g.scalarInt(0), n1, g.scalarInt(1)));
        String chunkMask = g.op("GreaterOrEqual", List.of(g.unsqueeze(r, 1), g.unsqueeze(r, 0)));
        String chunkDecay = g.exp(g.where(chunkMask, chunkDiff, minusInf));
        String states0 = g.reshape(g.op("Pad", List.of(states, g.ints(0, 0, 1, 0, 0, 0, 0, 0, 0, 0))),
                0, 0, 0, (long) headDim * state);                                                      // [B, H, nc+1, P·N]
        String carried = g.matmul(chunkDecay, states0);
        String entering = g.reshape(g.slice(carried, 0, -1, 2), 0, 0, 0, headDim, state);              // [B, H, nc, P, N]
        // 7. the final state
        String finalState = g.reshape(g.slice(carried, -1, END, 2), 0, heads, headDim, state);
        g.output(IoNames.ssmState(layer), finalState, GraphBuilder.FLOAT, "batch", heads, headDim, state);
        // 5. carried state → outputs: Y_off[l] = exp(cs[l])·C[l]·stateᵀ                                [B, H, nc, c, P]
        String yOff = g.mul(g.matmul(ch, g.transpose(entering, 0, 1, 2, 4, 3)), g.unsqueeze(g.exp(cs), 4));
        // 6. y = Y_diag + Y_off + D·x, back to [B, T, H, P]
        String y = g.reshape(g.transpose(g.add(yDiag, yOff), 0, 2, 3, 1, 4), 0, -1, heads, headDim);
        y = g.add(y, g.mul(g.reshape(x, 0, -1, heads, headDim), g.reshape(weight("D", heads), heads, 1)));
        y = g.slice(y, g.ints(0), t, 1);
        return gatedNormOut(g.reshape(y, -1, dim), z);
    }

    /** The decode form: one token per sequence (R = B), from the given window and state. */
    String decode(String xn) {
        List<String> zxd = g.split(g.linear(xn, weight("in_proj.weight", m.projSize(), m.hidden()),
                optional("in_proj.bias", m.projBias(), m.projSize())), 1, dim, convDim, heads);
        String pastConv = g.input(IoNames.pastConvState(layer), GraphBuilder.FLOAT, "batch", convDim, kernel - 1);
        String window = g.concat(2, pastConv, g.unsqueeze(zxd.get(1), 2));                             // [B, convDim, K]
        g.output(IoNames.convState(layer), g.slice(window, 1, kernel, 2), GraphBuilder.FLOAT, "batch", convDim, kernel - 1);
        String convW = g.reshape(weight("conv1d.weight", convDim, 1, kernel), convDim, kernel);
        String conv = g.op("ReduceSum", List.of(g.mul(window, convW), g.ints(2)), GraphBuilder.attr("keepdims", 0L));
        String convBias = optional("conv1d.bias", m.convBias(), convDim);
        if (convBias != null) {
            conv = g.add(conv, convBias);
        }
        List<String> xBC = g.split(g.silu(conv), 1, dim, (long) groups * state, (long) groups * state);
        String dt = dt(zxd.get(2));                                                                     // [B, H]
        String a = g.neg(g.exp(weight("A_log", heads)));
        String dA = g.reshape(g.exp(g.mul(dt, a)), 0, heads, 1, 1);
        String x = g.reshape(xBC.get(0), 0, heads, headDim);                                           // [B, H, P]
        String xdt = g.unsqueeze(g.mul(x, g.unsqueeze(dt, 2)), 3);                                      // [B, H, P, 1]
        String bh = g.reshape(g.expand(g.reshape(xBC.get(1), 0, groups, 1, state), g.ints(1, groups, m.headsPerGroup(), state)),
                0, heads, 1, state);
        String ch = g.reshape(g.expand(g.reshape(xBC.get(2), 0, groups, 1, state), g.ints(1, groups, m.headsPerGroup(), state)),
                0, heads, state, 1);
        // S = exp(dt·A)·S + dt·x ⊗ B ;  y = S·C + D·x
        String past = g.input(IoNames.pastSsmState(layer), GraphBuilder.FLOAT, "batch", heads, headDim, state);
        String s = g.add(g.mul(past, dA), g.mul(xdt, bh));
        g.output(IoNames.ssmState(layer), s, GraphBuilder.FLOAT, "batch", heads, headDim, state);
        String y = g.add(g.reshape(g.matmul(s, ch), 0, heads, headDim), g.mul(x, g.reshape(weight("D", heads), heads, 1)));
        return gatedNormOut(g.reshape(y, -1, dim), zxd.get(0));
    }

    /** {@code softplus(dt + dt_bias)} (identity above 20, as torch), clamped to time_step_limit. */
    private String dt(String raw) {
        String v = g.add(raw, weight("dt_bias", heads));
        String sp = g.where(g.op("Greater", List.of(v, g.scalar(20f))), v, g.op("Softplus", List.of(v)));
        if (m.clampsDt()) {
            sp = g.op("Clip", List.of(sp, g.scalar((float) m.dtMin()), g.scalar((float) m.dtMax())));
        }
        return sp;
    }

    /** B or C [B, Tp, G·N] → per head [B, H, nc, c, N] (head h reads group h/hpg). */
    private String perHead(String v, long c) {
        String e = g.expand(g.reshape(v, 0, 0, groups, 1, state), g.ints(1, 1, groups, m.headsPerGroup(), state));
        return g.transpose(g.reshape(e, 0, -1, c, heads, state), 0, 3, 1, 2, 4);
    }

    /** {@code out_proj(rmsnorm_groups(y·silu(z))·norm.weight)}; y and z [R, D]. */
    private String gatedNormOut(String y, String z) {
        String gated = g.reshape(g.mul(y, g.silu(z)), -1, groups, dim / groups);
        String normed = g.mul(g.reshape(g.rmsNorm(gated, null, epsilon), -1, dim), weight("norm.weight", dim));
        return g.linear(normed, weight("out_proj.weight", m.hidden(), dim), optional("out_proj.bias", m.projBias(), m.hidden()));
    }
}
