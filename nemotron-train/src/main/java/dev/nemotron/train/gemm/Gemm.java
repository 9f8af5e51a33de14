package dev.nemotron.train.gemm;

import java.util.Objects;

/**
 * Float64 matrix products for training, vectorised ({@link GemmKernel}): one driver for the three
 * GEMMs of a linear layer. All matrices are row-major {@code double[]}.
 *
 * <pre>
 * C [m, n] = init + A · B     with init = C (accumulate), else bias [n] broadcast over rows, else 0
 *   nt: A [m, k],  B given as Bt [n, k]   (forward  y  = x  · Wᵀ)
 *   nn: A [m, k],  B [k, n]               (data grad dx = dy · W)
 *   tn: A given as At [k, m],  B [k, n]   (weight grad dW += dyᵀ · x)
 * for each block of KC contraction indices:
 * 1. pack B into NR-column panels, k-major (zero columns past n)          [ceil(n/NR), kc, NR]
 * 2. for each block of MC rows: pack A into MR-row panels, k-major (zero rows past m)  [ceil(mc/MR), kc, MR]
 * 3.   for each B panel, each A panel: micro-kernel, MR x NR accumulators in registers
 * </pre>
 *
 * <p><b>Summation order.</b> Every element is one chain of fused multiply-adds in increasing
 * contraction index, starting from its init value: {@code c = fma(a_t, b_t, c)} for
 * {@code t = 0 .. k-1}, exactly {@code Math.fma} applied in that order. Blocking does not change
 * the chain (a later K block continues from the stored partial sum) and ragged edge tiles run the
 * same kernel on a zero-padded copy, so the result is bit-identical for any position, any
 * operand layout and any thread calling it: deterministic. It differs from {@link ReferenceGemm}
 * (separate multiply and add) only by the roundings the fused form saves.
 *
 * <p>Thread-safe: the packing buffers are per thread.
 */
public final class Gemm {
    /** Rows of a micro-tile. */
    static final int MR = GemmKernel.MR;
    /** Columns of a micro-tile. */
    static final int NR = GemmKernel.NR;
    /** Contraction indices per block: an A panel (MR x KC) and a B panel (KC x NR) stay in L1. */
    static final int KC = 256;
    /** Rows per block: the packed A block (MC x KC) stays in L2. */
    static final int MC = 256;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** How an operand is laid out. */
    private enum Layout { ROWS_BY_K, K_BY_COLS }

    private Gemm() {
    }

    /** {@code C [m,n] = (accumulate ? C : bias or 0) + A [m,k] · Bt [n,k]ᵀ}; {@code bias} may be null. */
    public static void nt(int m, int n, int k, double[] a, double[] bt, double[] bias, double[] c, boolean accumulate) {
        run(m, n, k, a, Layout.ROWS_BY_K, bt, Layout.ROWS_BY_K, bias, c, accumulate);
    }

    /** {@code C [m,n] = (accumulate ? C : 0) + A [m,k] · B [k,n]}. */
    public static void nn(int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
        run(m, n, k, a, Layout.ROWS_BY_K, b, Layout.K_BY_COLS, null, c, accumulate);
    }

    /** {@code C [m,n] = (accumulate ? C : 0) + At [k,m]ᵀ · B [k,n]}. */
    public static void tn(int m, int n, int k, double[] at, double[] b, double[] c, boolean accumulate) {
        run(m, n, k, at, Layout.K_BY_COLS, b, Layout.K_BY_COLS, null, c, accumulate);
    }

    /** {@code A [m,k] · Bt [n,k]ᵀ (+ bias)} into a new array. */
    public static double[] nt(int m, int n, int k, double[] a, double[] bt, double[] bias) {
        double[] c = new double[m * n];
        nt(m, n, k, a, bt, bias, c, false);
        return c;
    }

    private static void run(int m, int n, int k, double[] a, Layout al, double[] b, Layout bl, double[] bias,
                            double[] c, boolean accumulate) {
        check(m, n, k, a, b, bias, c);
        if (m == 0 || n == 0) {
            return;
        }
        Scratch s = SCRATCH.get();
        // Init values of the first K block, per column, padded to whole panels: bias or zeros.
        int nPanels = (n + NR - 1) / NR;
        double[] init = s.init(nPanels * NR);
        if (bias != null) {
            System.arraycopy(bias, 0, init, 0, n);
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    System.arraycopy(init, 0, c, i * n, n);
                }
            }
            return;
        }
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            boolean fromC = accumulate || k0 > 0;
            // 1. B: every panel of this K block
            double[] bp = s.b(nPanels * kc * NR);
            for (int q = 0; q < nPanels; q++) {
                packB(b, bl, n, k, q * NR, Math.min(NR, n - q * NR), k0, kc, bp, q * kc * NR);
            }
            for (int i0 = 0; i0 < m; i0 += MC) {
                int mc = Math.min(MC, m - i0);
                int mPanels = (mc + MR - 1) / MR;
                // 2. A block
                double[] ap = s.a(mPanels * MR * kc);
                packA(a, al, m, k, i0, mc, k0, kc, ap);
                // 3. micro-tiles, B panel outer (it stays in L1 across the A panels)
                for (int q = 0; q < nPanels; q++) {
                    int j0 = q * NR;
                    int nr = Math.min(NR, n - j0);
                    int bpOff = q * kc * NR;
                    for (int p = 0; p < mPanels; p++) {
                        int row = i0 + p * MR;
                        int mr = Math.min(MR, m - row);
                        int apOff = p * MR * kc;
                        if (mr == MR && nr == NR) {
                            if (fromC) {
                                GemmKernel.tile(ap, apOff, bp, bpOff, kc, c, row * n + j0, n, c, row * n + j0, n);
                            } else {
                                GemmKernel.tile(ap, apOff, bp, bpOff, kc, init, j0, 0, c, row * n + j0, n);
                            }
                        } else {
                            edgeTile(s, ap, apOff, bp, bpOff, kc, c, n, row, j0, mr, nr, fromC, init);
                        }
                    }
                }
            }
        }
    }

    /** A ragged tile: the same kernel on a zero-padded MR x NR copy, then the valid part back. */
    private static void edgeTile(Scratch s, double[] ap, int apOff, double[] bp, int bpOff, int kc, double[] c, int n,
                                 int row, int j0, int mr, int nr, boolean fromC, double[] init) {
        double[] t = s.tile;
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j++) {
                t[r * NR + j] = fromC ? (r < mr && j < nr ? c[(row + r) * n + j0 + j] : 0) : init[j0 + j];
            }
        }
        GemmKernel.tile(ap, apOff, bp, bpOff, kc, t, 0, NR, t, 0, NR);
        for (int r = 0; r < mr; r++) {
            System.arraycopy(t, r * NR, c, (row + r) * n + j0, nr);
        }
    }

    /** Rows [i0, i0+mc) x contraction [k0, k0+kc) of A into MR-row panels: ap[(p*kc + t)*MR + r]. */
    private static void packA(double[] a, Layout al, int m, int k, int i0, int mc, int k0, int kc, double[] ap) {
        int mPanels = (mc + MR - 1) / MR;
        if (al == Layout.K_BY_COLS) {
            // A given as At [k, m]: row t of At holds A(., t) contiguously; panels written in order
            for (int p = 0; p < mPanels; p++) {
                int base = p * MR * kc;
                int first = i0 + p * MR;
                int valid = Math.min(MR, i0 + mc - first);
                for (int t = 0; t < kc; t++) {
                    int src = (k0 + t) * m + first;
                    int dst = base + t * MR;
                    if (valid == MR) {
                        for (int r = 0; r < MR; r++) {
                            ap[dst + r] = a[src + r];
                        }
                    } else {
                        for (int r = 0; r < MR; r++) {
                            ap[dst + r] = r < valid ? a[src + r] : 0;
                        }
                    }
                }
            }
            return;
        }
        for (int p = 0; p < mPanels; p++) {
            int base = p * MR * kc;
            for (int r = 0; r < MR; r++) {
                int i = i0 + p * MR + r;
                if (i >= i0 + mc) {
                    for (int t = 0; t < kc; t++) {
                        ap[base + t * MR + r] = 0;
                    }
                } else {
                    int src = i * k + k0;
                    for (int t = 0; t < kc; t++) {
                        ap[base + t * MR + r] = a[src + t];
                    }
                }
            }
        }
    }

    /** Columns [j0, j0+nr) x contraction [k0, k0+kc) of B into one panel: bp[off + t*NR + j]. */
    private static void packB(double[] b, Layout bl, int n, int k, int j0, int nr, int k0, int kc, double[] bp,
                              int off) {
        if (bl == Layout.K_BY_COLS) {
            for (int t = 0; t < kc; t++) {
                int src = (k0 + t) * n + j0;
                int dst = off + t * NR;
                if (nr == NR) {
                    GemmKernel.copyPanelRow(b, src, bp, dst);
                } else {
                    for (int j = 0; j < NR; j++) {
                        bp[dst + j] = j < nr ? b[src + j] : 0;
                    }
                }
            }
        } else {
            for (int j = 0; j < NR; j++) {
                if (j >= nr) {
                    for (int t = 0; t < kc; t++) {
                        bp[off + t * NR + j] = 0;
                    }
                } else {
                    int src = (j0 + j) * k + k0;
                    for (int t = 0; t < kc; t++) {
                        bp[off + t * NR + j] = b[src + t];
                    }
                }
            }
        }
    }

    private static void check(int m, int n, int k, double[] a, double[] b, double[] bias, double[] c) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative shape " + m + "x" + n + "x" + k);
        }
        Objects.requireNonNull(c, "c");
        if (a.length < (long) m * k || b.length < (long) n * k || c.length < (long) m * n) {
            throw new IllegalArgumentException("operands too small for " + m + "x" + n + "x" + k + ": a "
                    + a.length + ", b " + b.length + ", c " + c.length);
        }
        if (bias != null && bias.length < n) {
            throw new IllegalArgumentException("bias has " + bias.length + " elements, needs " + n);
        }
    }

    /** Per-thread packing buffers, grown on demand. */
    private static final class Scratch {
        double[] a = new double[0];
        double[] b = new double[0];
        double[] initBuf = new double[0];
        final double[] tile = new double[MR * NR];

        double[] a(int size) {
            if (a.length < size) {
                a = new double[size];
            }
            return a;
        }

        double[] b(int size) {
            if (b.length < size) {
                b = new double[size];
            }
            return b;
        }

        /** Zeroed, at least {@code size}. */
        double[] init(int size) {
            if (initBuf.length < size) {
                initBuf = new double[size];
            } else {
                java.util.Arrays.fill(initBuf, 0, size, 0);
            }
            return initBuf;
        }
    }
}
