package dev.nemotron.train.fp8;

import dev.nemotron.api.tensor.E4M3;

import java.util.Objects;

/**
 * A row-major {@code rows × cols} matrix in FP8 E4M3 with one float32 scale per block: element
 * {@code (r, c)} stands for {@code E4M3.decode(code(r, c)) · scale of its block}. Made by
 * {@link BlockQuantizer#quantize(double[], int, int, BlockShape)}; immutable.
 *
 * <p>Scales are stored row-major over the block grid ({@code blockRows × blockCols}, see
 * {@link BlockShape#blockRows(int)}), codes row-major over the matrix.
 */
public final class Fp8Tensor {
    private final int rows;
    private final int cols;
    private final BlockShape block;
    private final byte[] codes;
    private final float[] scales;

    Fp8Tensor(int rows, int cols, BlockShape block, byte[] codes, float[] scales) {
        this.rows = rows;
        this.cols = cols;
        this.block = Objects.requireNonNull(block, "block");
        if (codes.length != (long) rows * cols) {
            throw new IllegalArgumentException("codes: expected " + (long) rows * cols + " elements, got " + codes.length);
        }
        if (scales.length != (long) block.blockRows(rows) * block.blockCols(cols)) {
            throw new IllegalArgumentException("scales: expected " + block.blockRows(rows) * block.blockCols(cols)
                    + " blocks, got " + scales.length);
        }
        this.codes = codes;
        this.scales = scales;
    }

    /** An FP8 tensor from its parts (copied); for tests and for backends that produce codes and scales. */
    public static Fp8Tensor of(int rows, int cols, BlockShape block, byte[] codes, float[] scales) {
        return new Fp8Tensor(rows, cols, block, codes.clone(), scales.clone());
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public BlockShape block() {
        return block;
    }

    /** The E4M3 codes, row-major (a copy). */
    public byte[] codes() {
        return codes.clone();
    }

    /** The per-block scales, row-major over the block grid (a copy). */
    public float[] scales() {
        return scales.clone();
    }

    public byte code(int r, int c) {
        return codes[index(r, c)];
    }

    /** The scale of the block holding element {@code (r, c)}. */
    public float scaleAt(int r, int c) {
        index(r, c);
        return scales[(r / block.rows()) * block.blockCols(cols) + c / block.cols()];
    }

    /**
     * The value element {@code (r, c)} stands for, {@code decode(code) · scale}, computed in
     * float64, where it is exact (a 4-bit by 24-bit significand product).
     */
    public double get(int r, int c) {
        return (double) E4M3.decode(code(r, c)) * scaleAt(r, c);
    }

    /** Every element's value (see {@link #get}), row-major, in float64 (exact). */
    public double[] dequantize() {
        double[] out = new double[codes.length];
        int bc = block.blockCols(cols);
        for (int r = 0; r < rows; r++) {
            int scaleRow = (r / block.rows()) * bc;
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = (double) E4M3.decode(codes[r * cols + c]) * scales[scaleRow + c / block.cols()];
            }
        }
        return out;
    }

    /** Every element's value rounded once to the nearest float, row-major. */
    public float[] dequantizeToFloat() {
        double[] d = dequantize();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    private int index(int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return r * cols + c;
    }

    @Override
    public String toString() {
        return "Fp8Tensor[" + rows + "x" + cols + ", blocks " + block + "]";
    }
}
