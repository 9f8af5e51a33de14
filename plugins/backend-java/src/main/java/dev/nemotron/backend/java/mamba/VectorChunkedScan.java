package dev.nemotron.backend.java.mamba;

import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.simd.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The selective scan in SSD form, fused per head: for each chunk of {@code q} tokens the carried
 * state is turned into outputs (decayed by {@code exp(cumsum)}), the quadratic intra-chunk term
 * with the segment-sum decay {@code exp(cs_i - cs_j)} is added, then the state is advanced to the
 * chunk's end. Each step is a small matrix product ({@link SsdChunkMath#gemmAcc}); the state is
 * kept transposed ({@code [N, P]}) while a task runs. Heads are split over cores; {@code C·Bᵀ} of
 * a chunk is computed once per group and reused by the task's heads of that group.
 *
 * <pre>
 * per (head h, chunk of q tokens), ST = Sᵀ [N, P]:
 *   cs[i]  = sum_{t<=i} dt_t A_h                                   (within the chunk)
 *   y_i    = exp(cs_i) (C_i · ST) + sum_{j<=i} (C_i·B_j) exp(cs_i-cs_j) dt_j x_j + D_h x_i
 *   ST    <- exp(cs_{q-1}) ST + sum_j exp(cs_{q-1}-cs_j) dt_j B_j ⊗ x_j
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
            Scratch w = new Scratch(q, s.headDim(), s.stateSize());
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

    /** Per-task buffers, all row-major. */
    private static final class Scratch {
        final int q;
        final float[] cb;   // [q, q]  C_i . B_j of the chunk
        final float[] bt;   // [N, q]  B of the chunk, transposed
        final float[] m;    // [q, q]  cb * exp(cs_i - cs_j) * dt_j, zero above the diagonal
        final float[] wt;   // [N, q]  exp(cs_last - cs_j) * dt_j * B_j[n]
        final float[] yc;   // [q, P]  C_i . S (carried state to output, before decay)
        final float[] cums;
        final float[] dt;

        Scratch(int q, int p, int n) {
            this.q = q;
            this.cb = new float[q * q];
            this.bt = new float[n * q];
            this.m = new float[q * q];
            this.wt = new float[n * q];
            this.yc = new float[q * p];
            this.cums = new float[q];
            this.dt = new float[q];
        }
    }

    /** {@code cb = C_chunk · B_chunkᵀ} for group {@code g}, via a transposed copy of B. */
    private static void chunkCb(SsmShape s, int t0, int len, int g, float[] b, float[] c, Scratch w) {
        int n = s.stateSize();
        int gn = s.groups() * n;
        int bo = t0 * gn + g * n;
        for (int j = 0; j < len; j++) {
            for (int k = 0; k < n; k++) {
                w.bt[k * len + j] = b[bo + j * gn + k];
            }
        }
        java.util.Arrays.fill(w.cb, 0, len * len, 0f);
        SsdChunkMath.gemmAcc(c, bo, gn, w.bt, 0, len, n, w.cb, 0, len, len, len);
    }

    /** Row i of m: {@code cb[i,j] * exp(cs_i - cs_j) * dt_j} for {@code j <= i}, zeros after it. */
    private static void decayRow(Scratch w, int len, int i) {
        int cnt = i + 1;
        int row = i * len;
        float[] cs = w.cums;
        int j = 0;
        FloatVector csi = FloatVector.broadcast(Simd.F, cs[i]);
        for (int bound = Simd.F.loopBound(cnt); j < bound; j += Simd.LANES) {
            FloatVector e = csi.sub(FloatVector.fromArray(Simd.F, cs, j)).lanewise(VectorOperators.EXP);
            e.mul(FloatVector.fromArray(Simd.F, w.cb, row + j)).mul(FloatVector.fromArray(Simd.F, w.dt, j))
                    .intoArray(w.m, row + j);
        }
        for (; j < cnt; j++) {
            w.m[row + j] = w.cb[row + j] * (float) Math.exp(cs[i] - cs[j]) * w.dt[j];
        }
        java.util.Arrays.fill(w.m, row + cnt, row + len, 0f);
    }

    private static void chunkHead(SsmShape s, int t0, int len, int h, float[] x, float[] dt,
                                  float[] a, float[] b, float[] c, float[] d, float[] st, int so,
                                  float[] y, Scratch w) {
        int hh = s.heads();
        int p = s.headDim();
        int n = s.stateSize();
        int gn = s.groups() * n;
        int bo = t0 * gn + (h / (hh / s.groups())) * n;
        int xs = hh * p;
        int xo = (t0 * hh + h) * p;
        float dh = d == null ? 0f : d[h];
        // 1. cumulative sum of dt*A within the chunk
        float run = 0f;
        for (int i = 0; i < len; i++) {
            w.dt[i] = dt[(t0 + i) * hh + h];
            run += w.dt[i] * a[h];
            w.cums[i] = run;
        }
        // 2. carried state -> output: yc = C_chunk · ST, then y = exp(cs) yc + D x
        java.util.Arrays.fill(w.yc, 0, len * p, 0f);
        SsdChunkMath.gemmAcc(c, bo, gn, st, so, p, n, w.yc, 0, p, len, p);
        for (int i = 0; i < len; i++) {
            System.arraycopy(w.yc, i * p, y, xo + i * xs, p);
            Simd.scale((float) Math.exp(w.cums[i]), y, xo + i * xs, p);
            Simd.axpy(dh, x, xo + i * xs, y, xo + i * xs, p);
        }
        // 3. intra-chunk quadratic term: y += m · x_chunk (m lower triangular)
        for (int i = 0; i < len; i++) {
            decayRow(w, len, i);
        }
        for (int i0 = 0; i0 < len; i0 += 4) {
            int rows = Math.min(4, len - i0);
            SsdChunkMath.gemmAcc(w.m, i0 * len, len, x, xo, xs, i0 + rows, y, xo + i0 * xs, xs, rows, p);
        }
        // 4. state to the end of the chunk: ST = exp(cs_last) ST + wt · x_chunk
        float last = w.cums[len - 1];
        for (int j = 0; j < len; j++) {
            float coef = (float) Math.exp(last - w.cums[j]) * w.dt[j];
            for (int k = 0; k < n; k++) {
                w.wt[k * len + j] = coef * b[bo + j * gn + k];
            }
        }
        Simd.scale((float) Math.exp(last), st, so, p * n);
        SsdChunkMath.gemmAcc(w.wt, 0, len, x, xo, xs, len, st, so, p, n, p);
    }
}
