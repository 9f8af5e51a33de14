package dev.nemotron.train.autodiff.core;

import dev.nemotron.api.layer.train.ParameterGradients;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.train.fp8.FakeQuantGemm;
import dev.nemotron.train.fp8.Fp8Recipe;
import dev.nemotron.train.fp8.Precision;
import java.util.Objects;

/**
 * One linear layer of a model (a weight that feeds a GEMM, plus its optional bias) and the
 * precision its three GEMMs run in: the FP8 training recipe inside the model.
 *
 * <pre>
 * x [rows, in]   W [out, in]   b [out] or null   y, dy [rows, out]
 * forward:  y  = Q(x) Q(W)^T + b              (b starts each output's chain, full precision)
 * backward: dx = Q(dy) Q(W)                    straight-through: Q is treated as the identity
 *           dW += Q'(dy)^T Q'(x)               into the float64 master gradient
 *           db += sum_rows dy                  (no GEMM: full precision)
 * Q = {@link FakeQuantGemm#operand}: FP8 E4M3 with the recipe's blocks (x, dy in 1x128 tiles along
 * the contraction, W in 128x128 blocks; Q' = the same tiles along the tokens), BF16 rounding, or
 * the identity (FP32, the default).
 * </pre>
 *
 * The layer reads the live parameter arrays; master weights, gradients and optimizer state stay
 * float64, and the quantised copies live only for one GEMM. With {@link Precision#FP32} this is
 * exactly {@link Linear} (the same GEMM calls on the same arrays). Safe to share across threads
 * once the precision is set.
 */
public final class LinearLayer {
    /** A precision with the block shapes of its FP8 GEMMs. */
    private record Setting(Precision precision, Fp8Recipe recipe) {
    }

    private static final Setting FULL = new Setting(Precision.FP32, Fp8Recipe.DEFAULT);

    private final String weightName;
    private final String biasName;
    private final double[] w;
    private final double[] b;
    private final int in;
    private final int out;
    private volatile Setting setting = FULL;

    /**
     * @param weightName the weight {@code [out, in]}, e.g. {@code backbone.layers.0.mixer.in_proj.weight}
     * @param biasName   the bias {@code [out]}, or null; a bias absent from {@code params} is no bias
     */
    public LinearLayer(ParameterStore params, String weightName, String biasName) {
        this.weightName = weightName;
        this.w = params.get(weightName);
        long[] shape = params.shape(weightName);
        if (shape.length != 2) {
            throw new IllegalArgumentException(weightName + " is not a matrix");
        }
        this.out = (int) shape[0];
        this.in = (int) shape[1];
        this.b = biasName == null ? null : params.getOrNull(biasName);
        this.biasName = b == null ? null : biasName;
    }

    /** The layer {@code module} ({@code module.weight}, optional {@code module.bias}). */
    public static LinearLayer of(ParameterStore params, String module) {
        return new LinearLayer(params, module + ".weight", module + ".bias");
    }

    public String weightName() {
        return weightName;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public boolean hasBias() {
        return b != null;
    }

    public Precision precision() {
        return setting.precision();
    }

    /** Runs the GEMMs in {@code precision}, FP8 with {@code recipe}'s blocks. Set before training. */
    public void precision(Precision precision, Fp8Recipe recipe) {
        setting = new Setting(Objects.requireNonNull(precision, "precision"), Objects.requireNonNull(recipe, "recipe"));
    }

    /** {@code y [rows, out]} for {@code x [rows, in]}. */
    public double[] forward(double[] x, int rows) {
        Setting s = setting;
        return FakeQuantGemm.forward(x, w, b, rows, out, in, s.precision(), s.recipe());
    }

    /** Accumulates the weight and bias gradients into {@code grads} and returns {@code dx [rows, in]}. */
    public double[] backward(double[] dy, double[] x, int rows, ParameterGradients grads) {
        Setting s = setting;
        double[] dx = FakeQuantGemm.backwardInput(dy, w, rows, out, in, s.precision(), s.recipe());
        FakeQuantGemm.backwardWeight(dy, x, rows, out, in, s.precision(), s.recipe(), grads.get(weightName));
        if (b != null) {
            Linear.biasGradient(dy, rows, out, grads.get(biasName));
        }
        return dx;
    }
}
