package dev.nemotron.arch.init;

import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.model.NamedParameter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fresh weights for a {@link ModelGraph}, following HF NemotronH's initialisation: projections and
 * embeddings ~ N(0, initializer_range); norms 1; {@code A_log = log(1..H)}; {@code D = 1};
 * {@code dt_bias = softplus^-1(dt)} with dt log-uniform in [time_step_min, time_step_max] (floored
 * at time_step_floor); conv weights and biases ~ U(±1/sqrt(K)), as torch's Conv1d default.
 * Deterministic for a given seed.
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    /** Weights stored in {@code dtype} (F32, BF16 or F16), in native memory owned by {@code arena}. */
    public static Map<String, Tensor> generate(ModelGraph graph, long seed, DType dtype, Arena arena) {
        var view = graph.config().view();
        double std = view.has("initializer_range") ? view.getDouble("initializer_range") : 0.02;
        double dtMin = view.has("time_step_min") ? view.getDouble("time_step_min") : 0.001;
        double dtMax = view.has("time_step_max") ? view.getDouble("time_step_max") : 0.1;
        double dtFloor = view.has("time_step_floor") ? view.getDouble("time_step_floor") : 1e-4;
        Map<String, Tensor> out = new LinkedHashMap<>();
        SplittableRandom root = new SplittableRandom(seed);
        for (NamedParameter p : graph.parameters()) {
            SplittableRandom rnd = root.split();
            if (p.spec().optional()) {
                continue;
            }
            ParameterSpec spec = p.spec();
            float[] v = new float[Math.toIntExact(spec.numel())];
            String leaf = spec.name();
            if (leaf.endsWith("norm.weight") || leaf.equals("norm_f.weight") || leaf.equals("D")) {
                java.util.Arrays.fill(v, 1f);
            } else if (leaf.equals("A_log")) {
                for (int h = 0; h < v.length; h++) {
                    v[h] = (float) Math.log(h + 1);
                }
            } else if (leaf.equals("dt_bias")) {
                for (int h = 0; h < v.length; h++) {
                    double dt = Math.exp(rnd.nextDouble() * (Math.log(dtMax) - Math.log(dtMin)) + Math.log(dtMin));
                    dt = Math.max(dt, dtFloor);
                    v[h] = (float) (dt + Math.log(-Math.expm1(-dt))); // inverse softplus
                }
            } else if (leaf.startsWith("conv1d.")) {
                long[] shape = spec.shape();
                double bound = 1.0 / Math.sqrt(leaf.endsWith("weight") ? shape[shape.length - 1] : 1);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
            } else if (leaf.endsWith(".bias")) {
                // biases start at zero
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (gaussian(rnd) * std);
                }
            }
            out.put(p.name(), store(v, spec.shape(), dtype, arena));
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** {@code values} stored as {@code dtype} (rounded to nearest even for BF16). */
    public static Tensor store(float[] values, long[] shape, DType dtype, Arena arena) {
        MemorySegment seg = arena.allocate((long) values.length * dtype.byteSize(), 8);
        switch (dtype) {
            case F32 -> MemorySegment.copy(values, 0, seg, Tensor.F32_LE, 0, values.length);
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    seg.setAtIndex(Tensor.I16_LE, i, toBf16(values[i]));
                }
            }
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    seg.setAtIndex(Tensor.I16_LE, i, Float.floatToFloat16(values[i]));
                }
            }
            default -> throw new IllegalArgumentException("weights can be stored as F32, BF16 or F16, not " + dtype);
        }
        return new Tensor(dtype, shape, seg);
    }

    /** Round-to-nearest-even float32 → bfloat16 bits (NaN kept quiet). */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
