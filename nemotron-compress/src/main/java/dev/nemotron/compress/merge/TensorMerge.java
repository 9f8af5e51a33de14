package dev.nemotron.compress.merge;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.train.fp8.Bf16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One tensor of a merge: reads the inputs in place (any float dtype, widened to float64), writes
 * the result in A's dtype (float64 → float32 → bfloat16 / float16 round to nearest). Memory: the
 * output tensor only; SLERP reads its inputs twice (the angle, then the blend).
 */
final class TensorMerge {
    /** Below this sin Ω, SLERP falls back to linear interpolation. */
    static final double SLERP_PARALLEL = 1e-6;
    private static final java.util.Set<DType> MERGEABLE = java.util.EnumSet.of(DType.F64, DType.F32, DType.BF16, DType.F16);

    private TensorMerge() {
    }

    /**
     * The merged tensor {@code name}.
     *
     * @param base null unless TASK_ARITHMETIC
     */
    static Tensor merge(String name, MergeMethod method, double alpha, double scale, Tensor a, Tensor b, Tensor base, Arena arena) {
        boolean unitScale = method != MergeMethod.TASK_ARITHMETIC || scale == 1.0;
        if (alpha == 0 && unitScale) {
            return a;
        }
        if (alpha == 1 && unitScale && b.dtype() == a.dtype()) {
            return b;
        }
        if (method != MergeMethod.TASK_ARITHMETIC && b.dtype() == a.dtype() && a.data().mismatch(b.data()) == -1) {
            return a;
        }
        for (Tensor t : new Tensor[] {a, b, base}) {
            if (t != null && !MERGEABLE.contains(t.dtype())) {
                throw new NemotronException("tensor '" + name + "' is stored as " + t.dtype() + "; only F64, F32, BF16 and F16 "
                        + "tensors can be merged");
            }
        }
        long n = a.numel();
        MemorySegment out = arena.allocate(n * a.dtype().byteSize(), 8);
        Tensor result = new Tensor(a.dtype(), a.shape(), out);
        switch (method) {
            case LINEAR -> {
                for (long i = 0; i < n; i++) {
                    set(result, i, (1 - alpha) * get(a, i) + alpha * get(b, i));
                }
            }
            case TASK_ARITHMETIC -> {
                for (long i = 0; i < n; i++) {
                    double c = get(base, i);
                    set(result, i, c + scale * ((1 - alpha) * (get(a, i) - c) + alpha * (get(b, i) - c)));
                }
            }
            case SLERP -> slerp(alpha, a, b, result);
        }
        return result;
    }

    private static void slerp(double alpha, Tensor a, Tensor b, Tensor out) {
        long n = a.numel();
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (long i = 0; i < n; i++) {
            double x = get(a, i);
            double y = get(b, i);
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        double wa = 1 - alpha;
        double wb = alpha;
        if (na > 0 && nb > 0) {
            double cos = Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
            double omega = Math.acos(cos);
            double sin = Math.sin(omega);
            if (sin >= SLERP_PARALLEL) {
                wa = Math.sin((1 - alpha) * omega) / sin;
                wb = Math.sin(alpha * omega) / sin;
            }
        }
        for (long i = 0; i < n; i++) {
            set(out, i, wa * get(a, i) + wb * get(b, i));
        }
    }

    static double get(Tensor t, long i) {
        return t.dtype() == DType.F64 ? t.data().getAtIndex(Tensor.F64_LE, i) : t.getFloat(i);
    }

    private static void set(Tensor t, long i, double v) {
        MemorySegment s = t.data();
        switch (t.dtype()) {
            case F64 -> s.setAtIndex(Tensor.F64_LE, i, v);
            case F32 -> s.setAtIndex(Tensor.F32_LE, i, (float) v);
            case BF16 -> s.setAtIndex(Tensor.I16_LE, i, Bf16.encode((float) v));
            case F16 -> s.setAtIndex(Tensor.I16_LE, i, Float.floatToFloat16((float) v));
            default -> throw new IllegalStateException("cannot write " + t.dtype());
        }
    }
}
