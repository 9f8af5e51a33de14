package dev.nemotron.train.fp8;

import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.model.NamedParameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which linear layers of a model run their GEMMs in FP8 and which stay in BF16 — the Nemotron
 * Nano 2 pretraining recipe: E4M3 with block-wise scales for every GEMM except those of the first
 * and last few linear layers, which stay BF16 ({@link #DEFAULT_EDGE_LAYERS} = 4 at each end).
 *
 * <p>The linear layers are the weights that feed a GEMM, as each layer type declares them
 * ({@link dev.nemotron.api.layer.ParameterSpec#linear()}), in {@link ModelGraph#parameters()}
 * order (layer 0 first, {@code lm_head} last): for the built-in layers every {@code *.weight} of
 * {@code in_proj}, {@code out_proj}, {@code q_proj}, {@code k_proj}, {@code v_proj},
 * {@code o_proj}, {@code up_proj}, {@code down_proj}, and an untied {@code lm_head.weight}. The first {@code edgeFirst} and
 * the last {@code edgeLast} of them get the {@code edge} precision, the others {@code body}.
 * Everything else is no GEMM and outside the policy: the embedding lookup, norms, the Mamba
 * convolution, scan and its {@code A_log}/{@code D}/{@code dt_bias}, attention's softmax and
 * score/value products.
 *
 * <p>The policy only decides the arithmetic of the GEMMs. <b>Master weights, gradients and
 * optimizer state (AdamW moments) stay FP32</b>: FP8 (and BF16) copies of a weight are made from
 * the FP32 master weight for each GEMM and thrown away; the optimizer, which lives elsewhere in
 * this module, never sees them.
 *
 * @param edgeFirst how many of the first linear layers take {@code edge}
 * @param edgeLast  how many of the last linear layers take {@code edge}
 * @param edge      the precision of the first and last layers (BF16 in the recipe)
 * @param body      the precision of all other linear layers (FP8 E4M3 in the recipe)
 * @param recipe    the block shapes of the FP8 GEMMs
 */
public record PrecisionPolicy(int edgeFirst, int edgeLast, Precision edge, Precision body, Fp8Recipe recipe) {
    /** The recipe keeps this many linear layers at each end of the model in BF16. */
    public static final int DEFAULT_EDGE_LAYERS = 4;

    public PrecisionPolicy {
        if (edgeFirst < 0 || edgeLast < 0) {
            throw new IllegalArgumentException("edge layer counts must be >= 0, got " + edgeFirst + " and " + edgeLast);
        }
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(recipe, "recipe");
    }

    /** The recipe: the first and last 4 linear layers in BF16, the rest in FP8 (default blocks). */
    public static PrecisionPolicy nemotronFp8() {
        return bf16Edges(DEFAULT_EDGE_LAYERS);
    }

    /** The first and last {@code n} linear layers in BF16, the rest in FP8 (default blocks). */
    public static PrecisionPolicy bf16Edges(int n) {
        return new PrecisionPolicy(n, n, Precision.BF16, Precision.FP8_E4M3, Fp8Recipe.DEFAULT);
    }

    /** Every GEMM in full precision: the reference run FP8 is compared with. */
    public static PrecisionPolicy fullPrecision() {
        return new PrecisionPolicy(0, 0, Precision.FP32, Precision.FP32, Fp8Recipe.DEFAULT);
    }

    /** The weights of the linear layers of {@code graph}, in model order (lm_head last). */
    public static List<String> linearLayers(ModelGraph graph) {
        List<String> out = new ArrayList<>();
        for (NamedParameter p : graph.parameters()) {
            if (p.spec().linear()) {
                out.add(p.name());
            }
        }
        return out;
    }

    /** The precision of each linear layer of {@code graph}. */
    public Plan plan(ModelGraph graph) {
        return plan(linearLayers(graph));
    }

    /**
     * The precision of each of {@code orderedLinearLayers} (model order). When the model has no
     * more than {@code edgeFirst + edgeLast} linear layers, all take {@code edge}.
     */
    public Plan plan(List<String> orderedLinearLayers) {
        Map<String, Precision> map = new LinkedHashMap<>();
        int n = orderedLinearLayers.size();
        for (int i = 0; i < n; i++) {
            String name = orderedLinearLayers.get(i);
            Precision p = (i < edgeFirst || i >= n - edgeLast) ? edge : body;
            if (map.put(name, p) != null) {
                throw new IllegalArgumentException("linear layer listed twice: " + name);
            }
        }
        return new Plan(Collections.unmodifiableMap(map), recipe);
    }

    /**
     * The precision of every linear layer of one model, in model order.
     *
     * @param byLayer linear layer weight name → precision, in model order
     * @param recipe  the block shapes of the FP8 GEMMs
     */
    public record Plan(Map<String, Precision> byLayer, Fp8Recipe recipe) {
        /** The precision of linear layer {@code weightName}; throws for a name that is no linear layer of the model. */
        public Precision precisionOf(String weightName) {
            Precision p = byLayer.get(weightName);
            if (p == null) {
                throw new IllegalArgumentException(weightName + " is not a linear layer of this model"
                        + " (FP8 applies to linear layers only)");
            }
            return p;
        }

        /** The linear layers of precision {@code p}, in model order. */
        public List<String> layers(Precision p) {
            return byLayer.entrySet().stream().filter(e -> e.getValue() == p).map(Map.Entry::getKey).toList();
        }
    }
}
