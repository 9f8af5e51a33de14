package dev.nemotron.arch.layer.attention;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerState;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;

/**
 * Nemotron-H self-attention.
 *
 * <pre>
 * x [L, d] -> out [L, d];  Hq query heads, Hkv KV heads, head dim hd (from the config)
 * 1. q = q_proj(x) [L, Hq, hd];  k = k_proj(x), v = v_proj(x) [L, Hkv, hd]   (no RoPE)
 * 2. a = softmax(q k^T / sqrt(hd), causal) v, query head h reads KV head h / (Hq/Hkv)   [L, Hq, hd]
 * 3. out = o_proj(a)
 * </pre>
 *
 * With a {@link KvCache} the new keys and values are appended first and the queries attend to
 * every cached position; batched decoding projects all sequences' rows in one pass.
 */
final class AttentionMixer implements Mixer {
    private final AttentionDims dims;
    private final Kernels kernels;
    private final Tensor q;
    private final Tensor k;
    private final Tensor v;
    private final Tensor o;
    private final Tensor qBias;
    private final Tensor kBias;
    private final Tensor vBias;
    private final Tensor oBias;
    private final boolean bf16Cache;

    AttentionMixer(AttentionDims dims, WeightSource w, Kernels kernels, DType cacheType) {
        this.dims = dims;
        this.bf16Cache = cacheType == DType.BF16;
        this.kernels = kernels;
        this.q = w.require("q_proj.weight");
        this.k = w.require("k_proj.weight");
        this.v = w.require("v_proj.weight");
        this.o = w.require("o_proj.weight");
        this.qBias = w.find("q_proj.bias").orElse(null);
        this.kBias = w.find("k_proj.bias").orElse(null);
        this.vBias = w.find("v_proj.bias").orElse(null);
        this.oBias = w.find("o_proj.bias").orElse(null);
    }

    @Override
    public MixerState newState() {
        return new KvCache(dims.kvHeads() * dims.headDim(), 64, bf16Cache);
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

    /** {@code rows} rows of x: one sequence of that many tokens, or (decode) one token per cache. */
    private void run(float[] x, int rows, float[] out, MixerState[] states, boolean rowPerSequence) {
        int hd = dims.headDim();
        int qRow = dims.qHeads() * hd;
        int kvRow = dims.kvHeads() * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        // 1. projections, over all rows at once
        float[] qs = new float[rows * qRow];
        float[] ks = new float[rows * kvRow];
        float[] vs = new float[rows * kvRow];
        kernels.linear().matmul(x, rows, q, qBias, qs);
        kernels.linear().matmul(x, rows, k, kBias, ks);
        kernels.linear().matmul(x, rows, v, vBias, vs);
        // 2. causal GQA attention, per sequence over its cache
        float[] att = new float[qs.length];
        if (states == null) {
            kernels.attention().causalAttention(rows, rows, dims.qHeads(), dims.kvHeads(), hd, scale, qs, ks, vs, att);
        } else if (!rowPerSequence) {
            KvCache cache = (KvCache) states[0];
            cache.append(ks, vs, rows);
            attend(cache, rows, scale, qs, att);
        } else {
            float[] oneQ = new float[qRow];
            float[] oneK = new float[kvRow];
            float[] oneV = new float[kvRow];
            float[] oneOut = new float[qRow];
            for (int b = 0; b < rows; b++) {
                KvCache cache = (KvCache) states[b];
                System.arraycopy(ks, b * kvRow, oneK, 0, kvRow);
                System.arraycopy(vs, b * kvRow, oneV, 0, kvRow);
                cache.append(oneK, oneV, 1);
                System.arraycopy(qs, b * qRow, oneQ, 0, qRow);
                attend(cache, 1, scale, oneQ, oneOut);
                System.arraycopy(oneOut, 0, att, b * qRow, qRow);
            }
        }
        // 3. output projection
        kernels.linear().matmul(att, rows, o, oBias, out);
    }

    /** The last {@code queries} positions of {@code cache} attend to all of it. */
    private void attend(KvCache cache, int queries, float scale, float[] q, float[] out) {
        if (cache.bf16()) {
            kernels.attention().causalAttentionBf16(queries, cache.length, dims.qHeads(), dims.kvHeads(),
                    dims.headDim(), scale, q, cache.kb, cache.vb, out);
        } else {
            kernels.attention().causalAttention(queries, cache.length, dims.qHeads(), dims.kvHeads(),
                    dims.headDim(), scale, q, cache.k, cache.v, out);
        }
    }
}
