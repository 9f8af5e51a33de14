package dev.nemotron.backend.java.linear;

import dev.nemotron.api.backend.LinearKernels;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@link LinearKernels} with the Vector API on all cores: checks the arguments and picks a path.
 *
 * <ul>
 *   <li>{@link Gemv} below {@value #GEMM_MIN_ROWS_F32} rows of x (F32 weights),
 *       {@value #GEMM_MIN_ROWS_BF16} (BF16) or {@value #GEMM_MIN_ROWS_F16} (F16): memory-bound,
 *       reads each block of weight rows from memory once per call for all rows of x, converted in
 *       registers or in small L1-resident blocks, never packed.
 *   <li>{@link Gemm} from there on: packed, register-blocked, compute-bound.
 *   <li>Q8_0 weights (GGML blocks, see {@link dev.nemotron.api.tensor.Q8_0}): {@link GemvQ8}
 *       below {@value #GEMM_MIN_ROWS_Q8_0} rows, else {@link Gemm} (blocks dequantized while packing).
 * </ul>
 *
 * <p>The weight segment may be any segment (heap, native, a mapped file slice) at any alignment;
 * see {@link WeightReader}. Results are {@code float} sums in an order that differs from a
 * sequential loop.
 */
public final class VectorLinearKernels implements LinearKernels {
    /**
     * From this many rows on, the packed GEMM path is used (below, GEMV's one pass over each block
     * of weight rows beats packing it). Measured crossovers on Zen 3 (AVX2, 2 cores): F32 at 48
     * rows; BF16 (cheap in-register widening) about 32; F16 (costly conversion) about 24.
     */
    static final int GEMM_MIN_ROWS_F32 = 48;
    static final int GEMM_MIN_ROWS_BF16 = 32;
    static final int GEMM_MIN_ROWS_F16 = 24;
    /** Q8_0 (block-wise int8 widening, like F16 a costly conversion). */
    static final int GEMM_MIN_ROWS_Q8_0 = 24;

    private final Parallel parallel;

    public VectorLinearKernels(Parallel parallel) {
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    @Override
    public void matmul(float[] x, int rows, Tensor weight, Tensor bias, float[] out) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(out, "out");
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("weight must be [outF, in], got " + weight);
        }
        DType wt = weight.dtype();
        if (wt != DType.Q8_0) {
            checkFloatType(wt, "weight");
        }
        if (weight.dim(0) > Integer.MAX_VALUE || weight.dim(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("weight too large: " + weight);
        }
        int outF = (int) weight.dim(0);
        int in = (int) weight.dim(1);
        if (rows < 0) {
            throw new IllegalArgumentException("rows < 0: " + rows);
        }
        if ((long) rows * in > x.length) {
            throw new IllegalArgumentException("x has " + x.length + " floats, needs " + rows + " x " + in);
        }
        if ((long) rows * outF > out.length) {
            throw new IllegalArgumentException("out has " + out.length + " floats, needs " + rows + " x " + outF);
        }
        float[] b = null;
        if (bias != null) {
            checkFloatType(bias.dtype(), "bias");
            if (bias.numel() != outF) {
                throw new IllegalArgumentException("bias has " + bias.numel() + " elements, needs " + outF);
            }
            b = bias.toFloatArray();
        }
        if (rows == 0 || outF == 0) {
            return;
        }
        if (in == 0) {
            for (int r = 0; r < rows; r++) {
                if (b == null) {
                    Arrays.fill(out, r * outF, (r + 1) * outF, 0f);
                } else {
                    System.arraycopy(b, 0, out, r * outF, outF);
                }
            }
            return;
        }
        MemorySegment w = weight.data();
        int kind = WeightReader.kindOf(wt);
        int gemmMinRows = switch (kind) {
            case WeightReader.K_F32 -> GEMM_MIN_ROWS_F32;
            case WeightReader.K_BF16 -> GEMM_MIN_ROWS_BF16;
            case WeightReader.K_Q8_0 -> GEMM_MIN_ROWS_Q8_0;
            default -> GEMM_MIN_ROWS_F16;
        };
        if (kind == WeightReader.K_Q8_0 && rows < gemmMinRows) {
            float[] bf = b;
            int grain = (int) Math.max(4, Math.min(outF, (Gemv.MIN_TASK_FMAS + (long) rows * in - 1) / ((long) rows * in)));
            float[] xp = Scratch.scratchX(rows * in);
            GemvQ8.permute(x, rows, in, xp);
            parallel.forRange(0, outF, (grain + 3) & -4, (o0, o1) -> GemvQ8.range(xp, rows, in, outF, w, bf, out, o0, o1));
        } else if (rows < gemmMinRows) {
            Gemv.gemv(parallel, x, rows, in, outF, w, kind, b, out);
        } else {
            Gemm.gemm(parallel, x, rows, in, outF, w, kind, b, out);
        }
    }

    private static void checkFloatType(DType t, String what) {
        if (t != DType.F32 && t != DType.BF16 && t != DType.F16) {
            throw new IllegalArgumentException(what + " must be F32, BF16 or F16, got " + t);
        }
    }
}
