package dev.nemotron.compress.prune;

import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.compress.checkpoint.StoredNames;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Rankings from the weights alone, for pruning without calibration data. Norms are Euclidean,
 * over float32 values of the stored tensors (read in place, any float dtype).
 *
 * <pre>
 * hidden channel c     || embeddings[:, c] ||  (+ || lm_head[:, c] || when untied)
 * MLP neuron j         || up_proj[j, :] || * || down_proj[:, j] ||
 * Mamba-2 head h       || out_proj[:, h*P .. h*P+P-1] ||_F          (the head's path into the residual)
 * attention head h     || o_proj[:, h*D .. h*D+D-1] ||_F
 * layer i              || W_out ||_F * rms(norm_i.weight), W_out = out_proj / o_proj / down_proj;
 *                      removal order: ascending (ties: the lower index); other layer types last
 * </pre>
 */
public final class MagnitudeRanking {
    private MagnitudeRanking() {
    }

    /** The magnitude rankings of the model {@code graph} describes, weights from {@code ckpt}. */
    public static Rankings of(ModelGraph graph, Checkpoint ckpt) {
        StoredNames names = StoredNames.of(ckpt);
        String b = ModelGraph.BACKBONE;
        double[] hidden = columnNorms(ckpt.require(names.stored(b + "embeddings.weight")));
        if (!graph.config().tieWordEmbeddings()) {
            double[] head = columnNorms(ckpt.require("lm_head.weight"));
            for (int c = 0; c < hidden.length; c++) {
                hidden[c] += head[c];
            }
        }
        Map<Integer, double[]> mlp = new LinkedHashMap<>();
        Map<Integer, double[]> mamba = new LinkedHashMap<>();
        Map<Integer, double[]> attention = new LinkedHashMap<>();
        double[] layerScore = new double[graph.layers().size()];
        for (LayerPlan layer : graph.layers()) {
            String p = names.stored(b + "layers." + layer.index() + ".");
            double norm = rms(ckpt.require(p + "norm.weight"));
            switch (layer.dims()) {
                case MlpDims m -> {
                    Tensor down = ckpt.require(p + "mixer.down_proj.weight");
                    double[] up = rowNorms(ckpt.require(p + "mixer.up_proj.weight"));
                    double[] dn = columnNorms(down);
                    double[] s = new double[m.intermediate()];
                    Arrays.setAll(s, j -> up[j] * dn[j]);
                    mlp.put(layer.index(), s);
                    layerScore[layer.index()] = frobenius(down) * norm;
                }
                case Mamba2Dims m -> {
                    Tensor out = ckpt.require(p + "mixer.out_proj.weight");
                    mamba.put(layer.index(), blockNorms(columnNorms(out), m.headDim()));
                    layerScore[layer.index()] = frobenius(out) * norm;
                }
                case AttentionDims a -> {
                    Tensor out = ckpt.require(p + "mixer.o_proj.weight");
                    attention.put(layer.index(), blockNorms(columnNorms(out), a.headDim()));
                    layerScore[layer.index()] = frobenius(out) * norm;
                }
                default -> layerScore[layer.index()] = Double.POSITIVE_INFINITY;
            }
        }
        int[] order = IntStream.range(0, layerScore.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> layerScore[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        return new Rankings("magnitude", order, hidden, mlp, mamba, attention);
    }

    /** Per column c of a [R, C] tensor: sqrt(sum_r t[r, c]²). */
    static double[] columnNorms(Tensor t) {
        int rows = Math.toIntExact(t.dim(0));
        int cols = Math.toIntExact(t.dim(1));
        double[] sq = new double[cols];
        for (long r = 0, i = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++, i++) {
                double v = t.getFloat(i);
                sq[c] += v * v;
            }
        }
        Arrays.setAll(sq, c -> Math.sqrt(sq[c]));
        return sq;
    }

    /** Per row r of a [R, C] tensor: sqrt(sum_c t[r, c]²). */
    static double[] rowNorms(Tensor t) {
        int rows = Math.toIntExact(t.dim(0));
        int cols = Math.toIntExact(t.dim(1));
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                double v = t.getFloat((long) r * cols + c);
                s += v * v;
            }
            out[r] = Math.sqrt(s);
        }
        return out;
    }

    /** Blocks of {@code width} consecutive column norms combined: sqrt(sum of squares). */
    private static double[] blockNorms(double[] columns, int width) {
        double[] out = new double[columns.length / width];
        for (int h = 0; h < out.length; h++) {
            double s = 0;
            for (int j = h * width; j < h * width + width; j++) {
                s += columns[j] * columns[j];
            }
            out[h] = Math.sqrt(s);
        }
        return out;
    }

    private static double frobenius(Tensor t) {
        double s = 0;
        for (long i = 0, n = t.numel(); i < n; i++) {
            double v = t.getFloat(i);
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static double rms(Tensor t) {
        return frobenius(t) / Math.sqrt(t.numel());
    }
}
