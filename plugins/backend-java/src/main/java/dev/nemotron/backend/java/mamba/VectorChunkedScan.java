package dev.nemotron.backend.java.mamba;

import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.simd.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The selective scan in SSD form, fused per head: for each chunk of {@code Q} tokens the
 * off-diagonal term (carried state to output, decayed by {@code exp(cumsum)}), the quadratic
 * intra-chunk term with the segment-sum decay {@code exp(cs_i - cs_j)}, then the state is
 * advanced to the chunk's end. Heads are split over cores; {@code C·Bᵀ} of a chunk is computed
 * once per group and reused by the task's heads of that group.
 *
 * <pre>
 * per (head h, chunk of q tokens):
 *   cs[i]   = sum_{t<=i} dt_t A_h                     (within the chunk)
 *   y_i     = exp(cs_i) (S · C_i) + sum_{j<=i} (C_i·B_j) exp(cs_i-cs_j) dt_j x_j + D_h x_i
 *   S      <- exp(cs_{q-1}) S + sum_j exp(cs_{q-1}-cs_j) dt_j x_j ⊗ B_j
 * </pre>
 */
public final class VectorChunkedScan {
    private static final long WORK_PER_TASK = 1 << 15;
    private final Parallel parallel;

    public VectorChunkedScan(Parallel parallel) {
        this.parallel = parallel;
    }

    /** See {@link dev.nemotron.api.backend.MambaKernels#chunkedScan}. */
    public void apply(SsmShape s, int seqLen, int chunkSize, float[] x, float[] dt, float[] a,
                      float[] b, float[] c, float[] d, float[] state, float[] y) {
        ScanChecks.scan(s, seqLen, x, dt, a, b, c, d, state, y);
        ScanChecks.chunkSize(chunkSize);
        int pn = s.headDim() * s.stateSize();
        int q = Math.min(chunkSize, Math.max(1, seqLen));
        long perHead = Math.max(1L, (long) seqLen * pn);
        int grain = (int) Math.max(1, WORK_PER_TASK / perHead);
        parallel.forRange(0, s.heads(), grain, (h0, h1) -> {
            float[] st = new float[(h1 - h0) * pn]; // the carried states, transposed: [h, N, P]
            if (state != null) {
                transpose(state, h0 * pn, st, 0, h1 - h0, s.headDim(), s.stateSize());
            }
            Scratch w = new Scratch(q);
            for (int t0 = 0; t0 < seqLen; t0 += q) {
                int len = Math.min(q, seqLen - t0);
                int lastGroup = -1;
                for (int h = h0; h < h1; h++) {
                    int g = h / (s.heads() / s.groups());
                    if (g != lastGroup) {
                        chunkCb(s, t0, len, g, b, c, w);
                        lastGroup = g;
                    }
                    chunkHead(s, t0, len, h, x, dt, a, b, c, d, st, (h - h0) * pn, y, w);
                }
            }
            if (state != null) {
                transpose(st, 0, state, h0 * pn, h1 - h0, s.stateSize(), s.headDim());
            }
        });
    }

    /** {@code dst[h][j][i] = src[h][i][j]} for {@code heads} matrices of {@code rows x cols}. */
    private static void transpose(float[] src, int so, float[] dst, int dOff, int heads, int rows,
                                  int cols) {
        for (int h = 0; h < heads; h++) {
            int base = h * rows * cols;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    dst[dOff + base + j * rows + i] = src[so + base + i * cols + j];
                }
            }
        }
    }

    /** Per-task buffers: C·Bᵀ of the chunk (lower triangle), the cumsum, decays. */
    private static final class Scratch {
        final int q;
        final float[] cb;
        final float[] cs;
        final float[] coef;
        final float[] m;
        final float[] dt;

        Scratch(int q) {
            this.dt = new float[q];
            this.m = new float[q];
            this.q = q;
            this.cb = new float[q * q];
            this.cs = new float[q];
            this.coef = new float[q];
        }
    }

    private static void chunkCb(SsmShape s, int t0, int len, int g, float[] b, float[] c, Scratch w) {
        int n = s.stateSize();
        int gn = s.groups() * n;
        for (int i = 0; i < len; i++) {
            int co = (t0 + i) * gn + g * n;
            for (int j = 0; j <= i; j++) {
                w.cb[i * w.q + j] = Simd.dot(c, co, b, (t0 + j) * gn + g * n, n);
            }
        }
    }

    /** {@code m[j] = cb[i,j] * exp(cs[i] - cs[j]) * dt[j]} for {@code j <= i}. */
    private static void decayRow(Scratch w, int i) {
        int cnt = i + 1;
        int j = 0;
        int row = i * w.q;
        FloatVector csi = FloatVector.broadcast(Simd.F, w.cs[i]);
        for (int bound = Simd.F.loopBound(cnt); j < bound; j += Simd.LANES) {
            FloatVector e = csi.sub(FloatVector.fromArray(Simd.F, w.cs, j)).lanewise(VectorOperators.EXP);
            e.mul(FloatVector.fromArray(Simd.F, w.cb, row + j)).mul(FloatVector.fromArray(Simd.F, w.dt, j))
                    .intoArray(w.m, j);
        }
        for (; j < cnt; j++) {
            w.m[j] = w.cb[row + j] * (float) Math.exp(w.cs[i] - w.cs[j]) * w.dt[j];
        }
    }

    private static void chunkHead(SsmShape s, int t0, int len, int h, float[] x, float[] dt,
                                  float[] a, float[] b, float[] c, float[] d, float[] st, int so,
                                  float[] y, Scratch w) {
        int hh = s.heads();
        int p = s.headDim();
        int n = s.stateSize();
        int gn = s.groups() * n;
        int bo0 = t0 * gn + (h / (hh / s.groups())) * n;
        int xStride = hh * p;
        int xo0 = (t0 * hh + h) * p;
        float dh = d == null ? 0f : d[h];
        float[] cs = w.cs;
        float run = 0f;
        for (int i = 0; i < len; i++) {
            w.dt[i] = dt[(t0 + i) * hh + h];
            run += w.dt[i] * a[h];
            cs[i] = run;
        }
        for (int i = 0; i < len; i++) {
            decayRow(w, i);
            int row = xo0 + i * xStride;
            SsdChunkMath.outputRow(st, so, n, p, c, bo0 + i * gn, (float) Math.exp(cs[i]), w.m, i + 1,
                    x, xo0, xStride, dh, row, y, row);
        }
        float last = cs[len - 1];
        for (int j = 0; j < len; j++) {
            w.coef[j] = (float) Math.exp(last - cs[j]) * dt[(t0 + j) * hh + h];
        }
        SsdChunkMath.advanceState(st, so, n, p, (float) Math.exp(last), w.coef, b, bo0, gn, len, x,
                xo0, xStride);
    }
}
