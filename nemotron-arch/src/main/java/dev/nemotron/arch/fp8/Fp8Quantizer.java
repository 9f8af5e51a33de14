package dev.nemotron.arch.fp8;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.E4M3;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.init.RandomWeights;

/**
 * FP8 E4M3 quantisation of one weight matrix with the numerics of the CUDA backend's
 * {@code quantize_fp8} (native/src/kernels/fp8.cu), code for code and scale for scale.
 *
 * <pre>
 * w [out, in] row-major, float values (BF16-representable to match the CUDA path bit for bit)
 * block B = 128, or 0 for one scale per output channel
 * 1. amax  = max |w| over the block (rows o0..o0+B, columns i0..i0+B; edge blocks partial) or the row
 * 2. scale = amax / 448 in float32; 1 when amax is 0
 * 3. q     = E4M3(w / scale): the quotient in float32, then rounded to nearest even, saturating at ±448
 * dequantised: E4M3.decode(q) · scale (float32 product)
 * </pre>
 * NaN elements are skipped by the maximum as CUDA's {@code fmaxf} skips them (and encode to NaN);
 * callers refuse non-finite weights before quantising.
 */
public final class Fp8Quantizer {
    private Fp8Quantizer() {
    }

    /**
     * A quantised matrix.
     *
     * @param codes  [out, in] E4M3 bytes, row-major
     * @param scales [ceil(out/B), ceil(in/B)] for blocks, [out] per channel
     */
    public record Quantized(byte[] codes, float[] scales) {
    }

    /** Quantises {@code w [out, in]} with {@code format}'s scales. */
    public static Quantized quantize(float[] w, int out, int in, Fp8Format format) {
        if ((long) out * in != w.length) {
            throw new IllegalArgumentException(w.length + " values are not " + out + " x " + in);
        }
        byte[] codes = new byte[w.length];
        int b = format.block();
        if (b == 0) {
            float[] scales = new float[out];
            for (int o = 0; o < out; o++) {
                scales[o] = quantizeBlock(w, codes, in, o, o + 1, 0, in);
            }
            return new Quantized(codes, scales);
        }
        int rowBlocks = (out + b - 1) / b;
        int colBlocks = (in + b - 1) / b;
        float[] scales = new float[rowBlocks * colBlocks];
        for (int rb = 0; rb < rowBlocks; rb++) {
            for (int cb = 0; cb < colBlocks; cb++) {
                scales[rb * colBlocks + cb] = quantizeBlock(w, codes, in,
                        rb * b, Math.min(out, rb * b + b), cb * b, Math.min(in, cb * b + b));
            }
        }
        return new Quantized(codes, scales);
    }

    /**
     * Quantises the checkpoint weight {@code t [out, in]} as the CUDA backend does: its values
     * rounded to BF16 first (the backend's compute type, which it quantises from), then
     * {@link #quantize(float[], int, int, Fp8Format)}.
     *
     * @throws NemotronException when a value is not finite
     */
    public static Quantized quantize(String name, Tensor t, Fp8Format format) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException(name + ": FP8 quantisation takes matrices, not " + t);
        }
        float[] w = t.toFloatArray();
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new NemotronException("tensor '" + name + "' holds " + w[i] + " at element " + i
                        + "; FP8 quantisation needs finite weights");
            }
            w[i] = Float.intBitsToFloat(RandomWeights.toBf16(w[i]) << 16);
        }
        return quantize(w, Math.toIntExact(t.dim(0)), Math.toIntExact(t.dim(1)), format);
    }

    /** Steps 1-3 for rows [o0, o1) and columns [i0, i1); returns the scale. */
    private static float quantizeBlock(float[] w, byte[] codes, int in, int o0, int o1, int i0, int i1) {
        float amax = 0f;
        for (int o = o0; o < o1; o++) {
            for (int i = i0; i < i1; i++) {
                float a = Math.abs(w[o * in + i]);
                if (a > amax) { // NaN compares false: skipped, as fmaxf skips it
                    amax = a;
                }
            }
        }
        float scale = scaleOf(amax);
        for (int o = o0; o < o1; o++) {
            for (int i = i0; i < i1; i++) {
                codes[o * in + i] = E4M3.encode(w[o * in + i] / scale);
            }
        }
        return scale;
    }

    /** {@code amax / 448} in float32; 1 for an all-zero block. */
    public static float scaleOf(float amax) {
        return amax > 0f ? amax / E4M3.MAX : 1f;
    }

    /** The dequantised value of one element: {@code decode(code) · scale} in float32. */
    public static float dequantize(byte code, float scale) {
        return E4M3.decode(code) * scale;
    }

    /** The index into the scales of element {@code (o, i)} of a matrix {@code [out, in]}. */
    public static int scaleIndex(Fp8Format format, int in, int o, int i) {
        int b = format.block();
        return b == 0 ? o : (o / b) * ((in + b - 1) / b) + i / b;
    }
}
