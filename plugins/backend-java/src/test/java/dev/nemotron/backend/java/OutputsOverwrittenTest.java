package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.assertClose;
import static dev.nemotron.backend.java.TestData.randn;
import static dev.nemotron.backend.java.TestData.tensor;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Output arrays holding garbage (NaN) before a call must be fully overwritten. */
class OutputsOverwrittenTest {
    private static final ReferenceKernels REF = new ReferenceKernels();

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    @Test
    void everyKernelOverwritesItsOutput() {
        SplittableRandom rnd = new SplittableRandom(17);
        try (Backend backend = new JavaBackendProvider().create()) {
            Kernels be = backend.kernels().orElseThrow();
            SsmShape s = new SsmShape(4, 36, 2, 9);
            ScanInputs in = ScanInputs.random(s, 13, false, true, 3);
            float[] ref = in.newY();
            REF.recurrentScan(s, 13, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), null, ref);
            float[] y = nans(ref.length);
            be.mamba().chunkedScan(s, 13, 4, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), null, y);
            assertClose(y, ref, ref.length, 2e-5, "chunked");
            y = nans(ref.length);
            be.mamba().recurrentScan(s, 13, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), null, y);
            assertClose(y, ref, ref.length, 2e-5, "recurrent");

            float[] x = randn(rnd, 5 * 11);
            var w = tensor(randn(rnd, 11 * 4), DType.F32, 11, 1, 4);
            float[] convRef = new float[55];
            REF.causalConv1d(x, 5, 11, w, null, null, convRef);
            float[] conv = nans(55);
            be.mamba().causalConv1d(x, 5, 11, w, null, null, conv);
            assertClose(conv, convRef, 55, 1e-6, "conv");

            var lw = tensor(randn(rnd, 7 * 11), DType.BF16, 7, 11);
            float[] linRef = new float[35];
            REF.matmul(x, 5, lw, null, linRef);
            float[] lin = nans(35);
            be.linear().matmul(x, 5, lw, null, lin);
            assertClose(lin, linRef, 35, 1e-5, "linear");

            float[] q = randn(rnd, 3 * 2 * 8);
            float[] k = randn(rnd, 6 * 8);
            float[] v = randn(rnd, 6 * 8);
            float[] attRef = new float[48];
            REF.causalAttention(3, 6, 2, 1, 8, 0.35f, q, k, v, attRef);
            float[] att = nans(48);
            be.attention().causalAttention(3, 6, 2, 1, 8, 0.35f, q, k, v, att);
            assertClose(att, attRef, 48, 1e-5, "attention");
        }
    }
}
