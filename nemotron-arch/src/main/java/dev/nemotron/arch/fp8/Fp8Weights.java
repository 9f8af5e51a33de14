package dev.nemotron.arch.fp8;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.init.RandomWeights;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The weights of an FP8 checkpoint ({@link Fp8Format}) for backends that compute in BF16 or F32:
 * each {@code F8_E4M3} tensor is handed out dequantised, {@code decode(Q) · scale_inv} (a float32
 * product, then rounded once to {@code target}), in native memory this source owns; every other
 * tensor passes through. The scale tensors are checked at construction (present, F32, the shape
 * the format implies, finite and positive), so a bad checkpoint fails before any weight is used.
 */
public final class Fp8Weights implements WeightSource, AutoCloseable {
    private final WeightSource stored;
    private final Fp8Format format;
    private final DType target;
    private final Arena arena = Arena.ofShared();
    private final Map<String, Tensor> done = new HashMap<>();

    private Fp8Weights(WeightSource stored, Fp8Format format, DType target) {
        this.stored = stored;
        this.format = format;
        this.target = target;
    }

    /**
     * The FP8 tensors among {@code names}, checked against {@code format} (from the config's
     * {@code quantization_config}, empty when it has none).
     *
     * @throws NemotronException an FP8 tensor without a format, without its scale, or a scale of
     *     the wrong dtype, shape or value
     */
    public static List<String> check(WeightSource stored, Set<String> names, Optional<Fp8Format> format, String source) {
        List<String> fp8 = new java.util.ArrayList<>();
        for (String name : new TreeSet<>(names)) {
            Tensor t = stored.require(name);
            if (t.dtype() != DType.F8_E4M3) {
                continue;
            }
            if (format.isEmpty()) {
                throw new NemotronException(source + ": tensor '" + name + "' is F8_E4M3 but config.json has no "
                        + "quantization_config; add the one it was written with (docs/backend-cuda.md, FP8 checkpoints)");
            }
            if (t.rank() != 2) {
                throw new NemotronException(source + ": FP8 tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + "; only matrices [out, in] are read as FP8");
            }
            String scaleName = Fp8Format.scaleName(name);
            if (!names.contains(scaleName)) {
                throw new NemotronException(source + ": FP8 tensor '" + name + "' has no scale tensor '" + scaleName + "'");
            }
            Tensor s = stored.require(scaleName);
            long[] expected = format.get().scaleShape(t.dim(0), t.dim(1));
            if (s.dtype() != DType.F32 || !Arrays.equals(s.shape(), expected)) {
                throw new NemotronException(source + ": scale tensor '" + scaleName + "' is " + s.dtype()
                        + Arrays.toString(s.shape()) + " but " + format.get().label() + " of a " + Arrays.toString(t.shape())
                        + " weight needs F32" + Arrays.toString(expected));
            }
            for (long i = 0; i < s.numel(); i++) {
                float v = s.getFloat(i);
                if (!(v > 0f) || !Float.isFinite(v)) {
                    throw new NemotronException(source + ": scale tensor '" + scaleName + "' holds " + v + " at " + i
                            + " (scales must be finite and positive)");
                }
            }
            fp8.add(name);
        }
        return fp8;
    }

    /**
     * {@code stored} with its FP8 tensors dequantised to {@code target} (BF16 or F32), or empty
     * when no tensor of {@code names} is FP8; checked as {@link #check} does.
     */
    public static Optional<Fp8Weights> wrap(WeightSource stored, Set<String> names, Optional<Fp8Format> format,
                                            DType target, String source) {
        if (target != DType.BF16 && target != DType.F32) {
            throw new IllegalArgumentException("FP8 weights dequantise to BF16 or F32, not " + target);
        }
        if (check(stored, names, format, source).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Fp8Weights(stored, format.orElseThrow(), target));
    }

    /** The format read. */
    public Fp8Format format() {
        return format;
    }

    @Override
    public Optional<Tensor> find(String name) {
        return stored.find(name).map(t -> convert(name, t));
    }

    @Override
    public Tensor require(String name) {
        return convert(name, stored.require(name));
    }

    private synchronized Tensor convert(String name, Tensor t) {
        if (t.dtype() != DType.F8_E4M3) {
            return t;
        }
        return done.computeIfAbsent(name, n -> dequantize(t, stored.require(Fp8Format.scaleName(n)), format, target, arena));
    }

    /**
     * {@code q [out, in]} (F8_E4M3) times its scales, in {@code target}: each element
     * {@code decode(q) · scale} in float32, then (for BF16) rounded to nearest even.
     */
    public static Tensor dequantize(Tensor q, Tensor scales, Fp8Format format, DType target, Arena arena) {
        int out = Math.toIntExact(q.dim(0));
        int in = Math.toIntExact(q.dim(1));
        float[] s = scales.toFloatArray();
        MemorySegment codes = q.data();
        MemorySegment dst = arena.allocate((long) out * in * target.byteSize(), 8);
        for (int o = 0; o < out; o++) {
            long row = (long) o * in;
            for (int i = 0; i < in; i++) {
                float v = Fp8Quantizer.dequantize(codes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, row + i),
                        s[Fp8Quantizer.scaleIndex(format, in, o, i)]);
                if (target == DType.F32) {
                    dst.setAtIndex(Tensor.F32_LE, row + i, v);
                } else {
                    dst.setAtIndex(Tensor.I16_LE, row + i, RandomWeights.toBf16(v));
                }
            }
        }
        return new Tensor(target, q.shape(), dst);
    }

    /** Frees the dequantised copies. */
    @Override
    public void close() {
        arena.close();
    }
}
