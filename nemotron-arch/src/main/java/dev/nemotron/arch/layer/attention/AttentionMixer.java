package dev.nemotron.arch.layer.attention;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.WeightSource;
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
 */
final class AttentionMixer implements Mixer {
    private final AttentionMixerFactory.AttentionDims dims;
    private final Backend backend;
    private final Tensor q;
    private final Tensor k;
    private final Tensor v;
    private final Tensor o;
    private final Tensor qBias;
    private final Tensor kBias;
    private final Tensor vBias;
    private final Tensor oBias;

    AttentionMixer(AttentionMixerFactory.AttentionDims dims, WeightSource w, Backend backend) {
        this.dims = dims;
        this.backend = backend;
        this.q = w.require("q_proj.weight");
        this.k = w.require("k_proj.weight");
        this.v = w.require("v_proj.weight");
        this.o = w.require("o_proj.weight");
        this.qBias = dims.bias() ? w.require("q_proj.bias") : null;
        this.kBias = dims.bias() ? w.require("k_proj.bias") : null;
        this.vBias = dims.bias() ? w.require("v_proj.bias") : null;
        this.oBias = dims.bias() ? w.require("o_proj.bias") : null;
    }

    @Override
    public void forward(float[] x, int seqLen, float[] out) {
        int hd = dims.headDim();
        // 1. projections
        float[] qs = new float[seqLen * dims.qHeads() * hd];
        float[] ks = new float[seqLen * dims.kvHeads() * hd];
        float[] vs = new float[seqLen * dims.kvHeads() * hd];
        backend.linear().matmul(x, seqLen, q, qBias, qs);
        backend.linear().matmul(x, seqLen, k, kBias, ks);
        backend.linear().matmul(x, seqLen, v, vBias, vs);
        // 2. causal GQA attention
        float[] att = new float[qs.length];
        backend.attention().causalAttention(seqLen, seqLen, dims.qHeads(), dims.kvHeads(), hd,
                (float) (1.0 / Math.sqrt(hd)), qs, ks, vs, att);
        // 3. output projection
        backend.linear().matmul(att, seqLen, o, oBias, out);
    }
}
