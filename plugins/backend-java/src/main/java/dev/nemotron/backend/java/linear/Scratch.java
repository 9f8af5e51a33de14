package dev.nemotron.backend.java.linear;

/** Per-thread buffers of the linear kernels, reused across calls. */
final class Scratch {
    /** Packed weight panels (GEMM). */
    float[] panels = new float[0];
    /** Weight rows converted to float before transposing (GEMM) or a block of them (GEMV). */
    float[] rowTmp = new float[0];
    /** A copy of x (padded for GEMM, de-interleaved for BF16 GEMV). */
    float[] xPad = new float[0];
    /** Partial sums of the blocked GEMV. */
    float[] acc = new float[0];
    /** An edge tile of the GEMM micro-kernel. */
    final float[] cEdge = new float[Gemm.MR * Gemm.NR];

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Copies of x up to this size (16 MiB) are kept per calling thread; larger ones are not. */
    private static final int X_SCRATCH_KEEP = 1 << 22;

    static Scratch get() {
        return SCRATCH.get();
    }

    /** A buffer of at least {@code n} floats for a copy of x, owned by the calling thread. */
    static float[] scratchX(int n) {
        Scratch caller = SCRATCH.get();
        if (caller.xPad.length >= n) {
            return caller.xPad;
        }
        float[] a = new float[n];
        if (n <= X_SCRATCH_KEEP) {
            caller.xPad = a;
        }
        return a;
    }
}
