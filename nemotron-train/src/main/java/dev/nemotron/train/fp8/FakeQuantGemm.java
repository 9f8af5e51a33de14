package dev.nemotron.train.fp8;

import dev.nemotron.train.gemm.Gemm;
import java.util.Objects;

/**
 * The three GEMMs of a linear layer {@code y = x·Wᵀ} with their operands fake-quantised as the
 * layer's {@link Precision} says: the CPU simulation of FP8 (or BF16) training. Shapes, all
 * row-major: {@code x [M, K]} (M tokens), {@code W [N, K]}, {@code y, dY [M, N]}.
 *
 * <table>
 *   <caption>Which operand is quantised along which axis (FP8, {@link Fp8Recipe#DEFAULT})</caption>
 *   <tr><th>GEMM</th><th>contraction</th><th>first operand</th><th>second operand</th></tr>
 *   <tr><td>forward {@code y = x·Wᵀ}</td><td>K</td>
 *       <td>{@code x [M,K]} in 1×128 tiles (one row, 128 along K)</td>
 *       <td>{@code W [N,K]} in 128×128 blocks</td></tr>
 *   <tr><td>data gradient {@code dX = dY·W}</td><td>N</td>
 *       <td>{@code dY [M,N]} in 1×128 tiles (one row, 128 along N)</td>
 *       <td>{@code W [N,K]} in the same 128×128 blocks as the forward (square blocks are
 *           transpose-invariant, so one quantised copy serves both GEMMs)</td></tr>
 *   <tr><td>weight gradient {@code dW = dYᵀ·x}</td><td>M (tokens)</td>
 *       <td>{@code dY [M,N]} in 128×1 tiles (128 tokens, one column), i.e. {@code dYᵀ} in 1×128
 *           tiles along M</td>
 *       <td>{@code x [M,K]} in 128×1 tiles, i.e. {@code xᵀ} in 1×128 tiles along M</td></tr>
 * </table>
 *
 * So activations and gradients are always scaled per 128 consecutive elements of the
 * contraction axis — which is why the weight-gradient GEMM re-quantises {@code x} and {@code dY}
 * column-wise (DeepSeek-V3 §3.3: "1×128 in the forward pass, 128×1 in the backward pass"),
 * and weights per 128×128 block. With a non-default recipe the tile shapes are read with their
 * columns along the contraction axis (transposed for the weight gradient), and the weight block
 * is applied to {@code W [N, K]} as stored in both GEMMs that use it.
 *
 * <p>{@link Precision#BF16} rounds every operand to bfloat16 instead; {@link Precision#FP32}
 * uses the operands as given. Accumulation is always float64 (never FP8), in the vectorised
 * {@link Gemm}: each output element is one chain of fused multiply-adds in increasing order of
 * the contraction index (deterministic; see {@link Gemm}); the float overloads widen the inputs
 * (exactly), compute the same, and round each result once to float.
 *
 * <p>The overloads with a bias and with an accumulator are the ones a model's linear layers use:
 * the bias (full precision, no GEMM operand) is the initial value of each output's chain, and
 * the weight gradient is added into the FP32/F64 master gradient.
 */
public final class FakeQuantGemm {
    private FakeQuantGemm() {
    }

    /** {@code y [M,N] = x [M,K] · W [N,K]ᵀ}. */
    public static double[] forward(double[] x, double[] w, int m, int n, int k, Precision p, Fp8Recipe r) {
        return forward(x, w, null, m, n, k, p, r);
    }

    /** {@code y [M,N] = x [M,K] · W [N,K]ᵀ + bias [N]} (bias in full precision; null: none). */
    public static double[] forward(double[] x, double[] w, double[] bias, int m, int n, int k, Precision p,
                                   Fp8Recipe r) {
        check(x, m, k, "x");
        check(w, n, k, "w");
        double[] xq = operand(x, m, k, p, r.activationTile());
        double[] wq = operand(w, n, k, p, r.weightBlock());
        return Gemm.nt(m, n, k, xq, wq, bias);
    }

    /** {@code dX [M,K] = dY [M,N] · W [N,K]}. */
    public static double[] backwardInput(double[] dy, double[] w, int m, int n, int k, Precision p, Fp8Recipe r) {
        check(dy, m, n, "dy");
        check(w, n, k, "w");
        double[] gq = operand(dy, m, n, p, r.gradientTile());
        double[] wq = operand(w, n, k, p, r.weightBlock());
        double[] dx = new double[m * k];
        Gemm.nn(m, k, n, gq, wq, dx, false);
        return dx;
    }

    /** {@code dW [N,K] = dY [M,N]ᵀ · x [M,K]}, contracting over the M tokens. */
    public static double[] backwardWeight(double[] dy, double[] x, int m, int n, int k, Precision p, Fp8Recipe r) {
        double[] dw = new double[n * k];
        backwardWeight(dy, x, m, n, k, p, r, dw);
        return dw;
    }

    /** {@code dW [N,K] += dY [M,N]ᵀ · x [M,K]}: each element's chain continues from {@code dw}. */
    public static void backwardWeight(double[] dy, double[] x, int m, int n, int k, Precision p, Fp8Recipe r,
                                      double[] dw) {
        check(dy, m, n, "dy");
        check(x, m, k, "x");
        check(dw, n, k, "dw");
        double[] gq = operand(dy, m, n, p, r.gradientTile().transposed());
        double[] xq = operand(x, m, k, p, r.activationTile().transposed());
        Gemm.tn(n, k, m, gq, xq, dw, true);
    }

    /** {@code y [M,N] = x [M,K] · W [N,K]ᵀ}, float in and out. */
    public static float[] forward(float[] x, float[] w, int m, int n, int k, Precision p, Fp8Recipe r) {
        return narrow(forward(widen(x), widen(w), m, n, k, p, r));
    }

    /** {@code dX [M,K] = dY [M,N] · W [N,K]}, float in and out. */
    public static float[] backwardInput(float[] dy, float[] w, int m, int n, int k, Precision p, Fp8Recipe r) {
        return narrow(backwardInput(widen(dy), widen(w), m, n, k, p, r));
    }

    /** {@code dW [N,K] = dY [M,N]ᵀ · x [M,K]}, float in and out. */
    public static float[] backwardWeight(float[] dy, float[] x, int m, int n, int k, Precision p, Fp8Recipe r) {
        return narrow(backwardWeight(widen(dy), widen(x), m, n, k, p, r));
    }

    /**
     * An operand as the GEMM sees it: block-quantised and dequantised (FP8), rounded to
     * bfloat16 (BF16) or as given (FP32). {@code block} only matters for FP8.
     */
    public static double[] operand(double[] a, int rows, int cols, Precision p, BlockShape block) {
        return switch (Objects.requireNonNull(p, "precision")) {
            case FP8_E4M3 -> BlockQuantizer.fakeQuantize(a, rows, cols, block);
            case BF16 -> Bf16.round(a);
            case FP32 -> a;
        };
    }

    private static void check(double[] a, int rows, int cols, String name) {
        if (rows < 0 || cols < 0 || a.length != (long) rows * cols) {
            throw new IllegalArgumentException(name + ": " + a.length + " elements, expected " + rows + "x" + cols);
        }
    }

    private static double[] widen(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static float[] narrow(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }
}
