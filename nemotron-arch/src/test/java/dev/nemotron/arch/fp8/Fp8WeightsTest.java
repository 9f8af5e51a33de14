package dev.nemotron.arch.fp8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.E4M3;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Dequantisation at load ({@code decode(Q) · scale} in float32, once rounded) and the checks of the scale tensors. */
class Fp8WeightsTest {
    private static final String W = "backbone.layers.0.mixer.in_proj.weight";
    private static final String S = W + "_scale_inv";

    record MapSource(Map<String, Tensor> map) implements WeightSource {
        public Optional<Tensor> find(String name) {
            return Optional.ofNullable(map.get(name));
        }

        public Tensor require(String name) {
            return find(name).orElseThrow();
        }
    }

    private static Tensor codes(byte[] q, long out, long in) {
        MemorySegment seg = Arena.ofAuto().allocate(q.length);
        MemorySegment.copy(q, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, q.length);
        return new Tensor(DType.F8_E4M3, new long[] {out, in}, seg);
    }

    private static Map<String, Tensor> quantised(int out, int in, Fp8Format f) {
        float[] w = Fp8QuantizerTest.matrix(out, in, 3);
        Fp8Quantizer.Quantized q = Fp8Quantizer.quantize(w, out, in, f);
        long[] shape = f.scaleShape(out, in);
        Map<String, Tensor> m = new HashMap<>();
        m.put(W, codes(q.codes(), out, in));
        m.put(S, Tensor.ofFloats(q.scales(), shape));
        m.put("backbone.norm_f.weight", Tensor.ofFloats(new float[] {1, 2}, 2));
        return m;
    }

    @Test
    void dequantisesToQTimesScaleExactlyInF32AndRoundedOnceInBf16() {
        int out = 200;
        int in = 72;
        for (Fp8Format f : new Fp8Format[] {Fp8Format.BLOCKS, Fp8Format.CHANNELS}) {
            Map<String, Tensor> m = quantised(out, in, f);
            for (DType target : new DType[] {DType.F32, DType.BF16}) {
                try (Fp8Weights w = Fp8Weights.wrap(new MapSource(m), m.keySet(), Optional.of(f), target, "t").orElseThrow()) {
                    Tensor d = w.require(W);
                    assertThat(d.dtype()).isEqualTo(target);
                    assertThat(d.shape()).containsExactly(out, in);
                    float[] scales = m.get(S).toFloatArray();
                    MemorySegment q = m.get(W).data();
                    for (int o = 0; o < out; o++) {
                        for (int i = 0; i < in; i++) {
                            float exact = E4M3.decode(q.get(java.lang.foreign.ValueLayout.JAVA_BYTE, (long) o * in + i))
                                    * scales[Fp8Quantizer.scaleIndex(f, in, o, i)];
                            float want = target == DType.F32 ? exact
                                    : Float.intBitsToFloat(dev.nemotron.arch.init.RandomWeights.toBf16(exact) << 16);
                            assertThat(d.getFloat((long) o * in + i)).isEqualTo(want);
                        }
                    }
                    assertThat(w.require("backbone.norm_f.weight")).isSameAs(m.get("backbone.norm_f.weight"));
                    assertThat(w.require(W)).as("dequantised once").isSameAs(d);
                }
            }
        }
    }

    @Test
    void aCheckpointWithoutFp8TensorsIsLeftAlone() {
        Map<String, Tensor> m = Map.of("backbone.norm_f.weight", Tensor.ofFloats(new float[] {1}, 1));
        assertThat(Fp8Weights.wrap(new MapSource(m), m.keySet(), Optional.empty(), DType.BF16, "t")).isEmpty();
    }

    @Test
    void badScaleTensorsAreOneClearError() {
        Fp8Format f = Fp8Format.BLOCKS;
        Map<String, Tensor> missing = quantised(200, 72, f);
        missing.remove(S);
        expectError(missing, Optional.of(f), "has no scale tensor '" + S + "'");
        Map<String, Tensor> shape = quantised(200, 72, f);
        shape.put(S, Tensor.ofFloats(new float[] {1, 1}, 1, 2));
        expectError(shape, Optional.of(f), "needs F32[2, 1]");
        Map<String, Tensor> channel = quantised(200, 72, Fp8Format.CHANNELS);
        expectError(channel, Optional.of(f), "is F32[200, 1] but fp8-block of a [200, 72] weight needs F32[2, 1]");
        Map<String, Tensor> zero = quantised(200, 72, f);
        zero.put(S, Tensor.ofFloats(new float[] {1, 0}, 2, 1));
        expectError(zero, Optional.of(f), "holds 0.0 at 1 (scales must be finite and positive)");
        Map<String, Tensor> nan = quantised(200, 72, f);
        nan.put(S, Tensor.ofFloats(new float[] {Float.NaN, 1}, 2, 1));
        expectError(nan, Optional.of(f), "holds NaN at 0");
        expectError(quantised(200, 72, f), Optional.empty(), "is F8_E4M3 but config.json has no quantization_config");
    }

    private static void expectError(Map<String, Tensor> m, Optional<Fp8Format> f, String message) {
        assertThatThrownBy(() -> Fp8Weights.wrap(new MapSource(m), m.keySet(), f, DType.BF16, "ckpt"))
                .isInstanceOf(NemotronException.class)
                .hasMessageStartingWith("ckpt: ")
                .hasMessageContaining(message);
    }
}
