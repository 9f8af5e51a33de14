package dev.nemotron.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Q8_0 block type: GGML's byte layout, quantization error bound, size rules. */
class Q8_0Test {
    @Test
    void blockLayoutIsGgmlsF16ScaleThen32Int8() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = (j - 16) * 0.25f; // amax = 4.0 at j = 0
        }
        Tensor t = Q8_0.quantize(x, 1, 32);
        MemorySegment seg = t.data();
        assertThat(seg.byteSize()).isEqualTo(34);
        float d = 4.0f / 127f;
        assertThat(seg.get(Tensor.I16_LE, 0)).isEqualTo(Float.floatToFloat16(d));
        // x = -4 -> q = -127; x = 0.25 -> 0.25 * 127 / 4 = 7.94 -> 8; x = -0.25*13 = -3.25 -> -103.19 -> -103
        assertThat(seg.get(ValueLayout.JAVA_BYTE, 2)).isEqualTo((byte) -127);
        assertThat(seg.get(ValueLayout.JAVA_BYTE, 2 + 17)).isEqualTo((byte) 8);
        assertThat(seg.get(ValueLayout.JAVA_BYTE, 2 + 3)).isEqualTo((byte) -103);
        assertThat(seg.get(ValueLayout.JAVA_BYTE, 2 + 16)).isEqualTo((byte) 0);
    }

    @Test
    void roundTripErrorIsAtMostHalfAStepPerBlock() {
        SplittableRandom rnd = new SplittableRandom(3);
        int rows = 5;
        int cols = 96;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * (1 + i % 7));
        }
        Tensor t = Q8_0.quantize(x, rows, cols);
        float[] back = t.toFloatArray();
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            }
            float step = Q8_0.scale(t.data(), b);
            assertThat(step).isCloseTo(amax / 127f, org.assertj.core.data.Percentage.withPercentage(0.1));
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                // half a step, plus the scale's f16 rounding (relative 2^-11) times |q| <= 127
                assertThat(Math.abs(back[i] - x[i])).as("element %d", i).isLessThanOrEqualTo(step * 0.5f + amax * 1e-3f);
                assertThat(t.getFloat(i)).isEqualTo(back[i]);
            }
        }
    }

    @Test
    void zeroBlockQuantizesToZeros() {
        Tensor t = Q8_0.quantize(new float[64], 2, 32);
        assertThat(t.toFloatArray()).containsOnly(0f);
    }

    @Test
    void sizesAreWholeBlocksAndByteSizeRefusesBlocks() {
        assertThat(DType.Q8_0.storageBytes(64)).isEqualTo(68);
        assertThat(DType.F32.storageBytes(3)).isEqualTo(12);
        assertThat(DType.Q8_0.isBlockQuantized()).isTrue();
        assertThat(DType.BF16.isBlockQuantized()).isFalse();
        assertThatThrownBy(() -> DType.Q8_0.storageBytes(33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(DType.Q8_0::byteSize).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("storageBytes");
        assertThat(DType.fromSafetensorsName("Q8_0")).isEmpty();
        // a row must start a block: last dimension a multiple of 32
        MemorySegment seg = MemorySegment.ofArray(new byte[68]);
        assertThat(new Tensor(DType.Q8_0, new long[] {2, 32}, seg).numel()).isEqualTo(64);
        assertThatThrownBy(() -> new Tensor(DType.Q8_0, new long[] {4, 16}, seg))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> new Tensor(DType.Q8_0, new long[] {3, 32}, seg))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
