package dev.nemotron.arch.fp8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.E4M3;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The quantiser against a direct reading of its definition (each element's block found from its
 * coordinates, the block's maximum scanned anew), on shapes with partial edge blocks (the tiny
 * fixtures' dimensions are all below 128), and the properties the format promises.
 */
class Fp8QuantizerTest {
    private static final int[][] SHAPES = {{200, 300}, {64, 192}, {128, 128}, {1, 16}, {257, 129}, {40, 72}, {3, 5}};

    /** BF16-representable values over many binades, some rows and one block all zero. */
    static float[] matrix(int out, int in, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) {
            double v = r.nextGaussian() * Math.pow(2, r.nextInt(-12, 3));
            w[i] = Float.intBitsToFloat(Float.floatToRawIntBits((float) v) & 0xFFFF0000);
        }
        for (int i = 0; i < Math.min(in, w.length); i++) {
            w[i] = 0f; // row 0 is all zero
        }
        return w;
    }

    /** The definition, element by element. */
    static byte referenceCode(float[] w, int out, int in, int block, int o, int i) {
        int o0 = block == 0 ? o : o / block * block;
        int o1 = block == 0 ? o + 1 : Math.min(out, o0 + block);
        int i0 = block == 0 ? 0 : i / block * block;
        int i1 = block == 0 ? in : Math.min(in, i0 + block);
        float amax = 0f;
        for (int r = o0; r < o1; r++) {
            for (int c = i0; c < i1; c++) {
                amax = Math.max(amax, Math.abs(w[r * in + c]));
            }
        }
        float scale = amax == 0f ? 1f : amax / 448f;
        return E4M3.encode(w[o * in + i] / scale);
    }

    @Test
    void codesAndScalesFollowTheDefinitionOnPartialBlocks() {
        for (Fp8Format format : new Fp8Format[] {Fp8Format.BLOCKS, Fp8Format.CHANNELS}) {
            for (int[] s : SHAPES) {
                int out = s[0];
                int in = s[1];
                float[] w = matrix(out, in, out * 31L + in);
                Fp8Quantizer.Quantized q = Fp8Quantizer.quantize(w, out, in, format);
                long[] shape = format.scaleShape(out, in);
                assertThat(q.scales()).hasSize((int) (shape[0] * shape[1]));
                for (int o = 0; o < out; o += 1 + o / 7) {
                    for (int i = 0; i < in; i++) {
                        assertThat(q.codes()[o * in + i]).as("%s %dx%d (%d, %d)", format.label(), out, in, o, i)
                                .isEqualTo(referenceCode(w, out, in, format.block(), o, i));
                    }
                }
            }
        }
    }

    @Test
    void theLargestMagnitudeOfABlockMapsTo448AndZeroBlocksGetScaleOne() {
        int out = 200;
        int in = 300;
        float[] w = matrix(out, in, 5);
        for (Fp8Format format : new Fp8Format[] {Fp8Format.BLOCKS, Fp8Format.CHANNELS}) {
            Fp8Quantizer.Quantized q = Fp8Quantizer.quantize(w, out, in, format);
            // row 0 is zero: its channel scale (or, per block, only when the whole block is zero) is 1, codes 0
            for (int i = 0; i < in; i++) {
                assertThat(q.codes()[i]).isEqualTo((byte) 0);
            }
            if (!format.blocked()) {
                assertThat(q.scales()[0]).isEqualTo(1f);
            }
            for (int o = 1; o < out; o++) {
                int arg = o * in;
                for (int i = 0; i < in; i++) {
                    if (Math.abs(w[o * in + i]) > Math.abs(w[arg])) {
                        arg = o * in + i;
                    }
                }
                // the row's largest magnitude is its block's or channel's amax only per channel; per block
                // the block's largest element is ±448 — checked through the scale instead
                float scale = q.scales()[Fp8Quantizer.scaleIndex(format, in, o, arg - o * in)];
                if (!format.blocked()) {
                    assertThat(Math.abs(E4M3.decode(q.codes()[arg]))).isEqualTo(448f);
                }
                assertThat(Math.abs(w[arg]) / scale).isLessThanOrEqualTo(448.0001f);
            }
        }
    }

    @Test
    void dequantisedValuesAreWithinHalfAnE4M3StepOfTheWeights() {
        int out = 257;
        int in = 129;
        float[] w = matrix(out, in, 9);
        for (Fp8Format format : new Fp8Format[] {Fp8Format.BLOCKS, Fp8Format.CHANNELS}) {
            Fp8Quantizer.Quantized q = Fp8Quantizer.quantize(w, out, in, format);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    float s = q.scales()[Fp8Quantizer.scaleIndex(format, in, o, i)];
                    float x = w[o * in + i];
                    float d = Fp8Quantizer.dequantize(q.codes()[o * in + i], s);
                    // normals: 3 mantissa bits, error <= 2^-4 relative; subnormals: <= 2^-10 of the scale
                    double bound = Math.max(Math.abs(x) * 0x1p-4, s * 0x1p-10) * (1 + 1e-5);
                    assertThat((double) Math.abs(d - x)).as("%s (%d, %d)", format.label(), o, i).isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    @Test
    void scaleIndexWalksBlocksRowMajor() {
        assertThat(Fp8Quantizer.scaleIndex(Fp8Format.BLOCKS, 300, 0, 0)).isEqualTo(0);
        assertThat(Fp8Quantizer.scaleIndex(Fp8Format.BLOCKS, 300, 0, 299)).isEqualTo(2);
        assertThat(Fp8Quantizer.scaleIndex(Fp8Format.BLOCKS, 300, 128, 0)).isEqualTo(3);
        assertThat(Fp8Quantizer.scaleIndex(Fp8Format.BLOCKS, 300, 199, 130)).isEqualTo(4);
        assertThat(Fp8Quantizer.scaleIndex(Fp8Format.CHANNELS, 300, 199, 130)).isEqualTo(199);
        assertThat(Fp8Format.BLOCKS.scaleShape(200, 300)).containsExactly(2, 3);
        assertThat(Fp8Format.BLOCKS.scaleShape(64, 192)).containsExactly(1, 2);
        assertThat(Fp8Format.CHANNELS.scaleShape(200, 300)).containsExactly(200, 1);
    }
}
