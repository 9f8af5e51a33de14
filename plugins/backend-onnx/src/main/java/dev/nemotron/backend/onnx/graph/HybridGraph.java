package dev.nemotron.backend.onnx.graph;

import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.backend.onnx.proto.Onnx.GraphProto;
import java.util.List;

/**
 * The whole hybrid model as one ONNX graph (docs/numerics.md):
 *
 * <pre>
 * input_ids [B, T] → Gather(embeddings) → x [R = B·T, d]
 * for each layer i: x ← x + mixer_i(RMSNorm(x)·norm_i)       (Mamba-2, attention or MLP)
 * logits [B, T, V] = RMSNorm(x)·norm_f · lm_headᵀ
 * </pre>
 *
 * The residual stream stays 2-D so that every linear layer is one {@code Gemm} with
 * {@code transB} over the checkpoint's [out, in] weight. {@link Kind#PREFILL} starts from empty
 * caches and returns them; {@link Kind#DECODE} takes one token per sequence and the caches
 * (the {@code past*} inputs) and returns the new ones.
 */
public final class HybridGraph {
    /** Which of the two graphs. */
    public enum Kind { PREFILL, DECODE }

    private final GraphBuilder g;
    private final WeightWriter w;
    private final ModelShape model;
    private final Kind kind;
    private String causalMask;

    private HybridGraph(Kind kind, ModelShape model, WeightWriter w) {
        this.g = new GraphBuilder(kind == Kind.PREFILL ? "nemotron_h_prefill" : "nemotron_h_decode");
        this.w = w;
        this.model = model;
        this.kind = kind;
    }

    /** The graph of {@code kind} for {@code model}, its weights written through {@code w}. */
    public static GraphProto build(Kind kind, ModelShape model, WeightWriter w) {
        return new HybridGraph(kind, model, w).build();
    }

    private GraphProto build() {
        int d = model.hidden();
        String ids = g.input(IoNames.INPUT_IDS, GraphBuilder.INT64, "batch", kind == Kind.PREFILL ? "sequence" : 1);
        String bt = g.shape(ids);
        String embeddings = w.weight(g, "backbone.embeddings.weight", model.vocab(), d);
        String x = g.reshape(g.op("Gather", List.of(embeddings, ids)), -1, d);
        List<LayerDims> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            String normed = g.rmsNorm(x, w.weight(g, "backbone.layers." + i + ".norm.weight", d), model.eps());
            String out = switch (layers.get(i)) {
                case Mamba2Dims m -> {
                    MambaGraph mamba = new MambaGraph(g, w, m, i, model.eps());
                    yield kind == Kind.PREFILL ? mamba.prefill(normed, bt) : mamba.decode(normed);
                }
                case AttentionDims a -> attention(normed, bt, a, i);
                case MlpDims f -> mlp(normed, f, i);
                default -> throw new IllegalStateException("unchecked layer type " + layers.get(i));
            };
            x = g.add(x, out);
        }
        String head = model.tied() ? embeddings : w.weight(g, "lm_head.weight", model.vocab(), d);
        String logits = g.linear(g.rmsNorm(x, w.weight(g, "backbone.norm_f.weight", d), model.eps()), head, null);
        g.output(IoNames.LOGITS, g.reshape(logits, g.concat(0, bt, g.ints(model.vocab()))), GraphBuilder.FLOAT,
                "batch", kind == Kind.PREFILL ? "sequence" : 1, model.vocab());
        return g.build();
    }

    /**
     * Causal GQA attention, no positional embedding, softmax in float32.
     * <pre>
     * q [B, Hq, T, hd]   k, v [B, Hkv, S, hd] (S = T when prefilling, past + 1 when decoding)
     * o = softmax(q·kᵀ/√hd + causal) · v  → [R, Hq·hd] → o_proj
     * </pre>
     */
    private String attention(String xn, String bt, AttentionDims a, int layer) {
        String p = "backbone.layers." + layer + ".mixer.";
        int hd = a.headDim();
        String q = heads(g.linear(xn, w.weight(g, p + "q_proj.weight", a.qSize(), a.hidden()), bias(p + "q_proj.bias", a.qSize())),
                bt, a.qHeads(), hd);
        String k = heads(g.linear(xn, w.weight(g, p + "k_proj.weight", a.kvSize(), a.hidden()), bias(p + "k_proj.bias", a.kvSize())),
                bt, a.kvHeads(), hd);
        String v = heads(g.linear(xn, w.weight(g, p + "v_proj.weight", a.kvSize(), a.hidden()), bias(p + "v_proj.bias", a.kvSize())),
                bt, a.kvHeads(), hd);
        String length = kind == Kind.PREFILL ? "sequence" : "total_sequence";
        if (kind == Kind.DECODE) {
            k = g.concat(2, g.input(IoNames.pastKey(layer), GraphBuilder.FLOAT, "batch", a.kvHeads(), "past_sequence", hd), k);
            v = g.concat(2, g.input(IoNames.pastValue(layer), GraphBuilder.FLOAT, "batch", a.kvHeads(), "past_sequence", hd), v);
        }
        g.output(IoNames.presentKey(layer), k, GraphBuilder.FLOAT, "batch", a.kvHeads(), length, hd);
        g.output(IoNames.presentValue(layer), v, GraphBuilder.FLOAT, "batch", a.kvHeads(), length, hd);
        String kx = perQueryHead(k, a);
        String vx = perQueryHead(v, a);
        String scores = g.matmul(g.mul(q, g.scalar((float) (1.0 / Math.sqrt(hd)))), g.transpose(kx, 0, 1, 3, 2));
        if (kind == Kind.PREFILL) {
            scores = g.where(causalMask(bt), scores, g.scalar(Float.NEGATIVE_INFINITY));
        }
        String probs = g.op("Softmax", List.of(scores), GraphBuilder.attr("axis", -1L));
        String o = g.reshape(g.transpose(g.matmul(probs, vx), 0, 2, 1, 3), -1, a.qSize());
        return g.linear(o, w.weight(g, p + "o_proj.weight", a.hidden(), a.qSize()), bias(p + "o_proj.bias", a.hidden()));
    }

    /** [R, heads·hd] → [B, heads, T, hd]. */
    private String heads(String v, String bt, int heads, int hd) {
        return g.transpose(g.reshape(v, g.concat(0, bt, g.ints(heads, hd))), 0, 2, 1, 3);
    }

    /** KV [B, Hkv, S, hd] → [B, Hq, S, hd]: query head h reads KV head h / (Hq/Hkv). */
    private String perQueryHead(String kv, AttentionDims a) {
        if (a.queriesPerKv() == 1) {
            return kv;
        }
        String e = g.expand(g.unsqueeze(kv, 2), g.ints(1, 1, a.queriesPerKv(), 1, 1));
        return g.reshape(e, 0, a.qHeads(), -1, a.headDim());
    }

    /** [T, T] true where key s <= query l (shared by the attention layers of the prefill graph). */
    private String causalMask(String bt) {
        if (causalMask == null) {
            String t = g.squeeze(g.slice(bt, 1, 2, 0), 0);
            String r = g.op("Range", List.of(g.scalarInt(0), t, g.scalarInt(1)));
            causalMask = g.op("GreaterOrEqual", List.of(g.unsqueeze(r, 1), g.unsqueeze(r, 0)));
        }
        return causalMask;
    }

    /** {@code down(relu(up(x))²)}. */
    private String mlp(String xn, MlpDims f, int layer) {
        String p = "backbone.layers." + layer + ".mixer.";
        String up = g.linear(xn, w.weight(g, p + "up_proj.weight", f.intermediate(), f.hidden()),
                f.bias() ? bias(p + "up_proj.bias", f.intermediate()) : null);
        String h = g.op("Relu", List.of(up));
        return g.linear(g.mul(h, h), w.weight(g, p + "down_proj.weight", f.hidden(), f.intermediate()),
                f.bias() ? bias(p + "down_proj.bias", f.hidden()) : null);
    }

    /** A bias the checkpoint has (HF NemotronH creates no attention biases whatever the config says), else none. */
    private String bias(String name, long size) {
        return w.has(name) ? w.weight(g, name, size) : null;
    }
}
