package dev.nemotron.train.fp8;

/**
 * The shape of the blocks that share one FP8 scale, in elements of a row-major matrix:
 * {@code rows × cols}. Blocks tile the matrix from its top-left corner; at the right and bottom
 * edges, where the block does not divide the matrix, the last blocks are smaller (ragged) and
 * their scale covers only the elements they hold.
 *
 * <p>The recipe's shapes (DeepSeek-V3 and Transformer Engine's block-wise scaling, which the
 * Nemotron Nano 2 pretraining uses): {@link #WEIGHT} 128×128 for weights and {@link #TILE}
 * 1×128 for activations and gradients, the 128 running along the GEMM's contraction axis.
 */
public record BlockShape(int rows, int cols) {
    /** 128×128 blocks: weights. */
    public static final BlockShape WEIGHT = new BlockShape(128, 128);
    /** 1×128 tiles: activations and gradients, 128 along the contraction axis. */
    public static final BlockShape TILE = new BlockShape(1, 128);

    public BlockShape {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("block shape must be positive, got " + rows + "x" + cols);
        }
    }

    /** The same blocks seen on the transposed matrix: {@code cols × rows}. */
    public BlockShape transposed() {
        return new BlockShape(cols, rows);
    }

    /** The number of block rows covering {@code matrixRows} rows (the last may be short). */
    public int blockRows(int matrixRows) {
        return ceilDiv(matrixRows, rows);
    }

    /** The number of block columns covering {@code matrixCols} columns (the last may be short). */
    public int blockCols(int matrixCols) {
        return ceilDiv(matrixCols, cols);
    }

    private static int ceilDiv(int n, int d) {
        return n == 0 ? 0 : (n - 1) / d + 1;
    }

    @Override
    public String toString() {
        return rows + "x" + cols;
    }
}
