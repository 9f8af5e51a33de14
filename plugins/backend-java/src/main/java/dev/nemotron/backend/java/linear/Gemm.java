package dev.nemotron.backend.java.linear;

import static dev.nemotron.backend.java.linear.WeightReader.F;
import static dev.nemotron.backend.java.linear.WeightReader.L;
import static dev.nemotron.backend.java.linear.WeightReader.convert;

import dev.nemotron.backend.java.Parallel;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The packed GEMM path (many rows of x): BLIS-style. Each task owns a range of output columns; it
 * converts (F32/BF16/F16 to float) and transposes the weight, stored {@code [outF, in]}, into
 * k-major panels of {@code NR = 2 x lanes} output columns, reading each weight row as one long
 * run. A {@code 6 x NR} register-blocked micro-kernel keeps 12 vector accumulators (a tile of
 * {@code out}) and, for each {@code k}, broadcasts six values of {@code x} against two panel
 * vectors: 12 FMAs for 2 vector loads and 6 broadcasts. Blocking: {@value #KC} along {@code in}
 * (a 16 KiB panel slice stays in L1), {@value #MC} rows of {@code x} (in L2). {@code x} is first
 * copied once, shared by all tasks, at a padded row stride so the six rows of a tile never collide
 * in L1 sets (rows of 4 KiB would).
 */
final class Gemm {
    private Gemm() {
    }

    /** Rows of the micro-kernel. */
    static final int MR = 6;
    /** Columns of the micro-kernel (two vectors). */
    static final int NR = 2 * L;
    /** Block along {@code in}: an {@code NR x KC} panel is 16 KiB at 8 lanes. */
    static final int KC = 256;
    /** Rows of {@code x} per block: {@code MC x KC} floats stay in L2. */
    static final int MC = 120;
    /** At most this many floats of packed weight panels per task block (512 KiB, about L2). */
    static final long PACK_BUDGET_FLOATS = 1L << 17;
    /** Panels per packed block of the weight. */
    static final int NC_PANELS = 64;
    /** About the least number of FMAs worth a task of its own. */
    static final long MIN_TASK_FMAS = 1L << 19;
    /** Transpose block along k while packing. */
    static final int TB = 64;
    /** Column tasks per worker: enough to balance a busy machine; x is shared, so tasks are cheap. */
    static final int TASKS_PER_THREAD = 4;

    /**
     * Row stride of the padded copy of x: {@code in} rounded up to a cache line plus one line, so
     * that the six rows of a micro-tile fall in different L1 sets even when {@code in} is a multiple
     * of 1024 (4 KiB rows would all map to the same sets of an 8-way L1 and evict each other and
     * the weight panel).
     */
    static int paddedStride(int in) {
        return (in + 15) / 16 * 16 + 16;
    }

    static void gemm(Parallel parallel, float[] x, int rows, int in, int outF, MemorySegment w, int kind,
                     float[] b, float[] out) {
        // One padded copy of x, shared by all tasks (read-only there); rows padded to MR with zeros.
        int lda = paddedStride(in);
        int paddedRows = (rows + MR - 1) / MR * MR;
        float[] xp = Scratch.scratchX(Math.multiplyExact(paddedRows, lda));
        parallel.forRange(0, rows, Math.max(1, (1 << 16) / in), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(x, r * in, xp, r * lda, in);
            }
        });
        Arrays.fill(xp, rows * lda, paddedRows * lda, 0f);

        int nPanels = (outF + NR - 1) / NR;
        int threads = parallel.threads();
        if (nPanels >= 2 * threads || rows < 4 * MR * threads) {
            long perPanel = (long) rows * in * NR;
            int byWork = (int) Math.max(1, (MIN_TASK_FMAS + perPanel - 1) / perPanel);
            int tasks = threads * TASKS_PER_THREAD;
            int grain = Math.max(byWork, (nPanels + tasks - 1) / tasks);
            parallel.forRange(0, nPanels, grain,
                    (p0, p1) -> gemmBlock(xp, lda, 0, rows, in, outF, w, kind, b, out, p0, p1));
        } else {
            int nRowBlocks = paddedRows / MR;
            long perBlock = (long) MR * in * outF;
            int grain = (int) Math.max(1, (MIN_TASK_FMAS + perBlock - 1) / perBlock);
            parallel.forRange(0, nRowBlocks, grain, (q0, q1) -> gemmBlock(
                    xp, lda, q0 * MR, Math.min(rows, q1 * MR), in, outF, w, kind, b, out, 0, nPanels));
        }
    }

    /**
     * Rows {@code [r0, r1)} x panels {@code [p0, p1)} of out. {@code xp}: x at row stride
     * {@code lda}, readable (zero) up to a multiple of MR rows.
     */
    private static void gemmBlock(float[] xp, int lda, int r0, int r1, int in, int outF, MemorySegment w,
                                  int kind, float[] b, float[] out, int p0, int p1) {
        Scratch s = Scratch.get();
        int panelFloats = in * NR; // one panel over all of k
        int ncp = (int) Math.max(1, Math.min(NC_PANELS, PACK_BUDGET_FLOATS / panelFloats));
        int need = Math.min(ncp, p1 - p0) * panelFloats;
        if (s.panels.length < need) {
            s.panels = new float[need];
        }
        int ldt = paddedStride(in);
        if (s.rowTmp.length < NR * ldt) {
            s.rowTmp = new float[NR * ldt];
        }
        float[] bp = s.panels;
        for (int jc = p0; jc < p1; jc += ncp) {
            int jn = Math.min(ncp, p1 - jc);
            for (int jr = 0; jr < jn; jr++) {
                pack(w, kind, in, outF, (jc + jr) * NR, bp, jr * panelFloats, s.rowTmp, ldt);
            }
            for (int pc = 0; pc < in; pc += KC) {
                int kc = Math.min(KC, in - pc);
                boolean acc = pc > 0;
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    int aBase = ic * lda + pc;
                    for (int jr = 0; jr < jn; jr++) {
                        int col = (jc + jr) * NR;
                        int bOff = jr * panelFloats + pc * NR;
                        boolean fullCols = col + NR <= outF;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int cOff = (ic + ir) * outF + col;
                            if (fullCols && mr == MR) {
                                kernel(xp, aBase + ir * lda, lda, bp, bOff, kc, out, cOff, outF, acc);
                            } else {
                                edge(xp, aBase + ir * lda, lda, mr, kc, bp, bOff, out, cOff, outF,
                                        Math.min(NR, outF - col), acc, s.cEdge);
                            }
                        }
                    }
                }
            }
            if (b != null) {
                int c0 = jc * NR;
                int c1 = Math.min(outF, (jc + jn) * NR);
                for (int r = r0; r < r1; r++) {
                    int base = r * outF;
                    for (int c = c0; c < c1; c++) {
                        out[base + c] += b[c];
                    }
                }
            }
        }
    }

    /**
     * A tile at an edge: {@code mr <= MR} valid rows (the rows of {@code a} past them must be
     * readable; their results are dropped), {@code nc <= NR} valid columns; through a scratch tile.
     */
    private static void edge(float[] a, int aOff, int lda, int mr, int kc, float[] bp, int bOff,
                             float[] out, int cOff, int ldc, int nc, boolean acc, float[] c) {
        if (acc) {
            for (int r = 0; r < mr; r++) {
                System.arraycopy(out, cOff + r * ldc, c, r * NR, nc);
            }
        }
        kernel(a, aOff, lda, bp, bOff, kc, c, 0, NR, acc);
        for (int r = 0; r < mr; r++) {
            System.arraycopy(c, r * NR, out, cOff + r * ldc, nc);
        }
    }

    /**
     * Packs weight rows {@code [col, col+NR)} (zero beyond {@code outF}) over all of k as
     * {@code dst[dstOff + k*NR + j] = W[col+j, k]}: each weight row is read as one long run
     * (prefetcher-friendly), converted into {@code tmp} at the padded stride {@code ldt} (so the
     * transposing reads of 16 rows do not collide in L1 sets), then transposed.
     */
    private static void pack(MemorySegment w, int kind, int in, int outF, int col,
                             float[] dst, int dstOff, float[] tmp, int ldt) {
        int nc = Math.min(NR, outF - col);
        for (int j = 0; j < nc; j++) {
            convert(w, kind, (long) (col + j) * in, tmp, j * ldt, in);
        }
        for (int j = nc; j < NR; j++) {
            Arrays.fill(tmp, j * ldt, j * ldt + in, 0f);
        }
        // Blocked over k so that both the 16 source runs and the destination stay in L1.
        for (int k0 = 0; k0 < in; k0 += TB) {
            int k1 = Math.min(in, k0 + TB);
            for (int j = 0; j < NR; j++) {
                int t = j * ldt;
                int d = dstOff + j;
                for (int k = k0; k < k1; k++) {
                    dst[d + k * NR] = tmp[t + k];
                }
            }
        }
    }

    /**
     * {@code c[6 x NR] (+)= a[6 x kc] * b[kc x NR]}; {@code a} rows at stride {@code lda}, {@code b}
     * k-major packed, {@code c} rows at stride {@code ldc}.
     */
    static void kernel(float[] a, int aOff, int lda, float[] b, int bOff, int kc,
                       float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        int q0 = cOff, q1 = q0 + ldc, q2 = q1 + ldc, q3 = q2 + ldc, q4 = q3 + ldc, q5 = q4 + ldc;
        if (acc) {
            c00 = FloatVector.fromArray(F, c, q0);
            c01 = FloatVector.fromArray(F, c, q0 + L);
            c10 = FloatVector.fromArray(F, c, q1);
            c11 = FloatVector.fromArray(F, c, q1 + L);
            c20 = FloatVector.fromArray(F, c, q2);
            c21 = FloatVector.fromArray(F, c, q2 + L);
            c30 = FloatVector.fromArray(F, c, q3);
            c31 = FloatVector.fromArray(F, c, q3 + L);
            c40 = FloatVector.fromArray(F, c, q4);
            c41 = FloatVector.fromArray(F, c, q4 + L);
            c50 = FloatVector.fromArray(F, c, q5);
            c51 = FloatVector.fromArray(F, c, q5 + L);
        } else {
            c00 = FloatVector.zero(F);
            c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00;
            c30 = c00; c31 = c00; c40 = c00; c41 = c00; c50 = c00; c51 = c00;
        }
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int k = 0; k < kc; k++) {
            int bo = bOff + k * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector v;
            v = FloatVector.broadcast(F, a[a0 + k]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(F, a[a1 + k]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(F, a[a2 + k]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(F, a[a3 + k]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(F, a[a4 + k]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(F, a[a5 + k]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
        }
        c00.intoArray(c, q0);
        c01.intoArray(c, q0 + L);
        c10.intoArray(c, q1);
        c11.intoArray(c, q1 + L);
        c20.intoArray(c, q2);
        c21.intoArray(c, q2 + L);
        c30.intoArray(c, q3);
        c31.intoArray(c, q3 + L);
        c40.intoArray(c, q4);
        c41.intoArray(c, q4 + L);
        c50.intoArray(c, q5);
        c51.intoArray(c, q5 + L);
    }
}
