package dev.nemotron.train.fp8;

import dev.nemotron.api.tensor.E4M3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockQuantizerTest {
    static double[] random(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            // a wide dynamic range: magnitudes 2^-8 .. 2^4 with random signs
            a[i] = (rnd.nextBoolean() ? 1 : -1) * Math.pow(2, rnd.nextDouble(-8, 4));
        }
        return a;
    }

    /** The block amax of the test's own reckoning, over [r0, r1) x [c0, c1). */
    private static double amax(double[] m, int cols, int r0, int r1, int c0, int c1) {
        double a = 0;
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                a = Math.max(a, Math.abs(m[r * cols + c]));
            }
        }
        return a;
    }

    @Test
    void raggedBlocksGetScalesOfTheirOwnElements() {
        SplittableRandom rnd = new SplittableRandom(1);
        int rows = 5;
        int cols = 7;
        BlockShape b = new BlockShape(2, 3);
        double[] m = random(rnd, rows * cols);
        Fp8Tensor t = BlockQuantizer.quantize(m, rows, cols, b);
        assertThat(b.blockRows(rows)).isEqualTo(3);
        assertThat(b.blockCols(cols)).isEqualTo(3);
        assertThat(t.scales()).hasSize(9);
        assertThat(t.codes()).hasSize(35);
        float[] scales = t.scales();
        int[][] rowRanges = {{0, 2}, {2, 4}, {4, 5}};
        int[][] colRanges = {{0, 3}, {3, 6}, {6, 7}};
        for (int bi = 0; bi < 3; bi++) {
            for (int bj = 0; bj < 3; bj++) {
                double amax = amax(m, cols, rowRanges[bi][0], rowRanges[bi][1], colRanges[bj][0], colRanges[bj][1]);
                assertThat(scales[bi * 3 + bj]).as("block %d,%d", bi, bj).isEqualTo((float) (amax / 448));
                for (int r = rowRanges[bi][0]; r < rowRanges[bi][1]; r++) {
                    for (int c = colRanges[bj][0]; c < colRanges[bj][1]; c++) {
                        assertThat(t.scaleAt(r, c)).isEqualTo(scales[bi * 3 + bj]);
                        assertThat(t.get(r, c)).isEqualTo((double) E4M3.decode(t.code(r, c)) * scales[bi * 3 + bj]);
                        if (Math.abs(m[r * cols + c]) == amax) { // the block's largest element maps to +-448
                            assertThat(Math.abs(E4M3.decode(t.code(r, c)))).isEqualTo(448f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void recipeBlocksOnMatricesTheyDoNotDivide() {
        SplittableRandom rnd = new SplittableRandom(2);
        int rows = 130;
        int cols = 300;
        double[] m = random(rnd, rows * cols);
        Fp8Tensor w = BlockQuantizer.quantize(m, rows, cols, BlockShape.WEIGHT);
        assertThat(w.scales()).hasSize(2 * 3);
        assertThat(w.scaleAt(129, 299)).isEqualTo((float) (amax(m, cols, 128, 130, 256, 300) / 448));
        assertThat(w.scaleAt(0, 0)).isEqualTo((float) (amax(m, cols, 0, 128, 0, 128) / 448));
        Fp8Tensor x = BlockQuantizer.quantize(m, rows, cols, BlockShape.TILE);
        assertThat(x.scales()).hasSize(130 * 3);
        assertThat(x.scaleAt(77, 290)).isEqualTo((float) (amax(m, cols, 77, 78, 256, 300) / 448));
        Fp8Tensor colTiles = BlockQuantizer.quantize(m, rows, cols, BlockShape.TILE.transposed());
        assertThat(colTiles.scales()).hasSize(2 * 300);
        assertThat(colTiles.scaleAt(129, 5)).isEqualTo((float) (amax(m, cols, 128, 130, 5, 6) / 448));
    }

    @Test
    void errorWithinHalfAnUlpOfE4M3() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (BlockShape b : new BlockShape[] {BlockShape.WEIGHT, BlockShape.TILE, new BlockShape(7, 5)}) {
            int rows = 150;
            int cols = 270;
            double[] m = random(rnd, rows * cols);
            Fp8Tensor t = BlockQuantizer.quantize(m, rows, cols, b);
            double[] d = t.dequantize();
            int normal = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double x = m[r * cols + c];
                    double err = Math.abs(d[r * cols + c] - x);
                    double scale = t.scaleAt(r, c);
                    if (Math.abs(x) / scale >= E4M3.MIN_NORMAL) {
                        // 3 mantissa bits, round to nearest: relative error at most 2^-4
                        assertThat(err).as("%s at %d,%d", x, r, c).isLessThanOrEqualTo(0x1p-4 * Math.abs(x) * (1 + 1e-12));
                        normal++;
                    } else {
                        // subnormal range: absolute error at most half the smallest subnormal
                        assertThat(err).isLessThanOrEqualTo(0x1p-10 * scale * (1 + 1e-12));
                    }
                    // and relative to the block: at most 2^-4 of its amax
                    assertThat(err).isLessThanOrEqualTo(0x1p-4 * scale * 448);
                }
            }
            assertThat(normal).isGreaterThan(rows * cols / 2);
        }
    }

    @Test
    void zeroBlocksNaNAndInfinity() {
        double[] m = {0, 0, 0, 0, 1, Double.NaN, Double.POSITIVE_INFINITY, -2, 0.5, -0.0};
        Fp8Tensor t = BlockQuantizer.quantize(m, 2, 5, new BlockShape(1, 2));
        assertThat(t.scales()[0]).isEqualTo(1f); // all zeros: scale 1
        assertThat(t.get(0, 0)).isZero();
        assertThat(t.get(0, 1)).isZero();
        // block (1,[0,2)) holds NaN and +inf: amax over finite values only (none) -> scale 1
        assertThat(t.get(1, 0)).isNaN();
        assertThat(t.get(1, 1)).isEqualTo(448.0);
        // block (1,[2,4)): amax 2
        assertThat(t.scaleAt(1, 2)).isEqualTo(2f / 448);
        assertThat(t.get(1, 2)).isCloseTo(-2, org.assertj.core.data.Offset.offset(1e-6));
        // block (0,[4,5)) ragged: element 1 alone
        assertThat(t.get(0, 4)).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(t.code(1, 4)).isEqualTo((byte) 0x80); // -0 keeps its sign
        // a NaN next to finite values does not disturb their scale
        Fp8Tensor u = BlockQuantizer.quantize(new double[] {Double.NaN, 4, Double.NEGATIVE_INFINITY}, 1, 3, BlockShape.TILE);
        assertThat(u.scales()[0]).isEqualTo(4f / 448);
        assertThat(u.get(0, 1)).isCloseTo(4, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(u.get(0, 2)).isCloseTo(-4, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(u.get(0, 0)).isNaN();
    }

    @Test
    void floatAndDoubleInputsAgreeAndFakeQuantizeIsIdempotent() {
        SplittableRandom rnd = new SplittableRandom(5);
        int rows = 33;
        int cols = 140;
        float[] f = new float[rows * cols];
        double[] d = new double[rows * cols];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) rnd.nextGaussian();
            d[i] = f[i];
        }
        Fp8Tensor a = BlockQuantizer.quantize(f, rows, cols, BlockShape.WEIGHT);
        Fp8Tensor b = BlockQuantizer.quantize(d, rows, cols, BlockShape.WEIGHT);
        assertThat(a.codes()).isEqualTo(b.codes());
        assertThat(a.scales()).isEqualTo(b.scales());
        double[] once = BlockQuantizer.fakeQuantize(d, rows, cols, BlockShape.TILE);
        assertThat(BlockQuantizer.fakeQuantize(once, rows, cols, BlockShape.TILE)).isEqualTo(once);
        float[] fq = BlockQuantizer.fakeQuantize(f, rows, cols, BlockShape.TILE);
        for (int i = 0; i < fq.length; i++) {
            assertThat(fq[i]).isEqualTo((float) once[i]);
        }
        assertThat(BlockQuantizer.dequantize(a)).isEqualTo(a.dequantize());
        assertThat(once).isNotEqualTo(d); // it does change the values
    }

    @Test
    void fakeQuantizeEqualsQuantizeThenDequantize() {
        SplittableRandom rnd = new SplittableRandom(8);
        int[][] shapes = {{1, 1}, {3, 7}, {130, 200}, {257, 129}};
        BlockShape[] blocks = {BlockShape.TILE, BlockShape.WEIGHT, BlockShape.TILE.transposed(), new BlockShape(3, 5)};
        for (int[] shape : shapes) {
            double[] m = new double[shape[0] * shape[1]];
            for (int i = 0; i < m.length; i++) {
                m[i] = rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(-20, 20));
            }
            m[0] = Double.NaN;
            m[m.length / 2] = Double.NEGATIVE_INFINITY;
            m[m.length - 1] = 0.0;
            for (BlockShape block : blocks) {
                assertThat(BlockQuantizer.fakeQuantize(m, shape[0], shape[1], block)).as(block + " on " + shape[0] + "x" + shape[1])
                        .isEqualTo(BlockQuantizer.quantize(m, shape[0], shape[1], block).dequantize());
            }
        }
        double[] zeros = new double[260];
        assertThat(BlockQuantizer.fakeQuantize(zeros, 2, 130, BlockShape.TILE)).isEqualTo(zeros);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThatThrownBy(() -> BlockQuantizer.quantize(new double[5], 2, 3, BlockShape.TILE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2x3");
        assertThatThrownBy(() -> new BlockShape(0, 128)).isInstanceOf(IllegalArgumentException.class);
    }
}
