package dev.nemotron.train.fp8;

import dev.nemotron.api.tensor.E4M3;

import java.util.Objects;

/**
 * Block-wise FP8 E4M3 quantisation of row-major matrices (the scaling of the Nemotron Nano 2
 * FP8 recipe, after DeepSeek-V3 and Transformer Engine's block scaling).
 *
 * <p>For every block of the {@link BlockShape} (ragged at the right and bottom edges):
 * <ol>
 *   <li>{@code amax} = the largest magnitude among the block's finite elements;</li>
 *   <li>{@code scale = (float) (amax / 448)}, a float32 as the GPU kernels consume it; a block of
 *       zeros (amax 0, or an amax so small that the scale underflows float) gets scale 1 and all
 *       codes zero; an amax beyond float range gets {@code Float.MAX_VALUE};</li>
 *   <li>each element becomes {@code E4M3.encode(x / scale)}, the division in float64, rounded to
 *       nearest even and saturated at ±448 (so the float rounding of the scale can never
 *       overflow); NaN stays NaN and ±∞ saturate to ±448·scale.</li>
 * </ol>
 * Dequantisation multiplies each decoded code by its block's scale in float64 (exact).
 * Fake quantisation ({@link #fakeQuantize}) is quantise-then-dequantise: the values an FP8 GEMM
 * would see, which is how CPU training simulates FP8 GEMMs.
 */
public final class BlockQuantizer {
    private BlockQuantizer() {
    }

    /** Quantises a row-major {@code rows × cols} matrix with one scale per {@code block}. */
    public static Fp8Tensor quantize(double[] matrix, int rows, int cols, BlockShape block) {
        return quantize(new DoubleSource(matrix), rows, cols, block);
    }

    /** Quantises a row-major {@code rows × cols} matrix with one scale per {@code block}. */
    public static Fp8Tensor quantize(float[] matrix, int rows, int cols, BlockShape block) {
        return quantize(new FloatSource(matrix), rows, cols, block);
    }

    /** The values of an FP8 tensor, row-major, in float64 (exact). */
    public static double[] dequantize(Fp8Tensor t) {
        return t.dequantize();
    }

    /**
     * Quantise then dequantise: the matrix an FP8 GEMM sees, in float64 (exact). Equal, bit for
     * bit, to {@code quantize(matrix, rows, cols, block).dequantize()}, computed without codes by
     * {@link FakeQuantKernel}'s vector loops: per block row, the column-wise maxima of its rows
     * (in row order), each block's scale from them, then every element
     * {@code E4M3.round(x / scale) * scale}; all of it over contiguous rows, whatever the block shape.
     */
    public static double[] fakeQuantize(double[] matrix, int rows, int cols, BlockShape block) {
        check(matrix.length, rows, cols, block);
        double[] out = new double[matrix.length];
        double[] colMax = new double[cols];
        double[] colScale = new double[cols];
        for (int r0 = 0; r0 < rows; r0 += block.rows()) {
            int r1 = Math.min(rows, r0 + block.rows());
            // 1. the largest finite magnitude of each column of this block row
            java.util.Arrays.fill(colMax, 0);
            for (int r = r0; r < r1; r++) {
                FakeQuantKernel.finiteMax(matrix, r * cols, colMax, cols);
            }
            // 2. each block's scale, spread over its columns
            for (int c0 = 0; c0 < cols; c0 += block.cols()) {
                int c1 = Math.min(cols, c0 + block.cols());
                double amax = 0;
                for (int c = c0; c < c1; c++) {
                    amax = Math.max(amax, colMax[c]);
                }
                java.util.Arrays.fill(colScale, c0, c1, scaleFor(amax));
            }
            // 3. every element on its block's scale
            for (int r = r0; r < r1; r++) {
                FakeQuantKernel.round(matrix, r * cols, colScale, out, cols);
            }
        }
        return out;
    }

    private static void check(int length, int rows, int cols, BlockShape block) {
        Objects.requireNonNull(block, "block");
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        if (length != (long) rows * cols) {
            throw new IllegalArgumentException("matrix of " + length + " elements is not " + rows + "x" + cols);
        }
    }

    /**
     * Quantise then dequantise, as floats: each dequantised value is rounded once to the nearest
     * float (a code times a float32 scale needs up to 28 significand bits).
     */
    public static float[] fakeQuantize(float[] matrix, int rows, int cols, BlockShape block) {
        return quantize(matrix, rows, cols, block).dequantizeToFloat();
    }

    /** The scale of a block whose largest finite magnitude is {@code amax}. */
    public static float scaleFor(double amax) {
        float s = (float) (amax / E4M3.MAX);
        if (s == 0f || Double.isNaN(amax)) {
            return 1f;
        }
        return Float.isInfinite(s) ? Float.MAX_VALUE : s;
    }

    private interface Source {
        int length();

        double get(int i);
    }

    private record DoubleSource(double[] a) implements Source {
        public int length() {
            return a.length;
        }

        public double get(int i) {
            return a[i];
        }
    }

    private record FloatSource(float[] a) implements Source {
        public int length() {
            return a.length;
        }

        public double get(int i) {
            return a[i];
        }
    }

    private static Fp8Tensor quantize(Source m, int rows, int cols, BlockShape block) {
        check(m.length(), rows, cols, block);
        int br = block.blockRows(rows);
        int bc = block.blockCols(cols);
        byte[] codes = new byte[rows * cols];
        float[] scales = new float[br * bc];
        for (int bi = 0; bi < br; bi++) {
            int r0 = bi * block.rows();
            int r1 = Math.min(rows, r0 + block.rows());
            for (int bj = 0; bj < bc; bj++) {
                int c0 = bj * block.cols();
                int c1 = Math.min(cols, c0 + block.cols());
                double amax = 0;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        double a = Math.abs(m.get(r * cols + c));
                        if (a > amax && a != Double.POSITIVE_INFINITY) {
                            amax = a;
                        }
                    }
                }
                float scale = scaleFor(amax);
                scales[bi * bc + bj] = scale;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        codes[r * cols + c] = E4M3.encode(m.get(r * cols + c) / scale);
                    }
                }
            }
        }
        return new Fp8Tensor(rows, cols, block, codes, scales);
    }
}
