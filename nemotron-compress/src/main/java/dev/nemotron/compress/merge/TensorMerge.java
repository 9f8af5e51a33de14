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
    /** Elements converted per bulk copy. */
    private static final int CHUNK = 1 << 16;
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
        double wa = 1 - alpha;
        double wb = alpha;
        if (method == MergeMethod.SLERP) {
            double[] w = slerpWeights(alpha, a, b);
            wa = w[0];
            wb = w[1];
        }
        double[] x = new double[CHUNK];
        double[] y = new double[CHUNK];
        double[] c = method == MergeMethod.TASK_ARITHMETIC ? new double[CHUNK] : null;
        double[] z = new double[CHUNK];
        for (long from = 0; from < n; from += CHUNK) {
            int len = (int) Math.min(CHUNK, n - from);
            read(a, from, x, len);
            read(b, from, y, len);
            if (c != null) {
                read(base, from, c, len);
                for (int i = 0; i < len; i++) {
                    z[i] = c[i] + scale * ((1 - alpha) * (x[i] - c[i]) + alpha * (y[i] - c[i]));
                }
            } else {
                for (int i = 0; i < len; i++) {
                    z[i] = wa * x[i] + wb * y[i];
                }
            }
            write(result, from, z, len);
        }
        return result;
    }

    /** SLERP's weights of a and b: sin((1 - α)Ω) / sin Ω and sin(αΩ) / sin Ω, or 1 - α and α. */
    private static double[] slerpWeights(double alpha, Tensor a, Tensor b) {
        long n = a.numel();
        double dot = 0;
        double na = 0;
        double nb = 0;
        double[] x = new double[CHUNK];
        double[] y = new double[CHUNK];
        for (long from = 0; from < n; from += CHUNK) {
            int len = (int) Math.min(CHUNK, n - from);
            read(a, from, x, len);
            read(b, from, y, len);
            for (int i = 0; i < len; i++) {
                dot += x[i] * y[i];
                na += x[i] * x[i];
                nb += y[i] * y[i];
            }
        }
        if (na > 0 && nb > 0) {
            double cos = Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
            double omega = Math.acos(cos);
            double sin = Math.sin(omega);
            if (sin >= SLERP_PARALLEL) {
                return new double[] {Math.sin((1 - alpha) * omega) / sin, Math.sin(alpha * omega) / sin};
            }
        }
        return new double[] {1 - alpha, alpha};
    }

    /** Elements [from, from + len) of {@code t} widened to float64 (bulk copies). */
    private static void read(Tensor t, long from, double[] out, int len) {
        MemorySegment s = t.data();
        switch (t.dtype()) {
            case F64 -> MemorySegment.copy(s, Tensor.F64_LE, from * 8, out, 0, len);
            case F32 -> {
                float[] f = new float[len];
                MemorySegment.copy(s, Tensor.F32_LE, from * 4, f, 0, len);
                for (int i = 0; i < len; i++) {
                    out[i] = f[i];
                }
            }
            case BF16, F16 -> {
                short[] h = new short[len];
                MemorySegment.copy(s, Tensor.I16_LE, from * 2, h, 0, len);
                boolean bf = t.dtype() == DType.BF16;
                for (int i = 0; i < len; i++) {
                    out[i] = bf ? Bf16.decode(h[i]) : Float.float16ToFloat(h[i]);
                }
            }
            default -> throw new IllegalStateException("cannot read " + t.dtype());
        }
    }

    /** Writes {@code v[0 .. len)} at element {@code from} of {@code t}, rounded to its dtype (float64 → float32 → BF16/F16). */
    private static void write(Tensor t, long from, double[] v, int len) {
        MemorySegment s = t.data();
        switch (t.dtype()) {
            case F64 -> MemorySegment.copy(v, 0, s, Tensor.F64_LE, from * 8, len);
            case F32 -> {
                float[] f = new float[len];
                for (int i = 0; i < len; i++) {
                    f[i] = (float) v[i];
                }
                MemorySegment.copy(f, 0, s, Tensor.F32_LE, from * 4, len);
            }
            case BF16, F16 -> {
                short[] h = new short[len];
                boolean bf = t.dtype() == DType.BF16;
                for (int i = 0; i < len; i++) {
                    h[i] = bf ? Bf16.encode((float) v[i]) : Float.floatToFloat16((float) v[i]);
                }
                MemorySegment.copy(h, 0, s, Tensor.I16_LE, from * 2, len);
            }
            default -> throw new IllegalStateException("cannot write " + t.dtype());
        }
    }
}
