package dev.nemotron.backend.java.mamba;

import static dev.nemotron.backend.java.simd.Simd.F;
import static dev.nemotron.backend.java.simd.Simd.LANES;

import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.backend.java.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The selective scan token by token: per head and channel p, one fused pass over N updates the
 * state row and accumulates its dot product with C. Heads are split over cores.
 */
public final class VectorRecurrentScan {
    private static final long WORK_PER_TASK = 1 << 15;
    private final Parallel parallel;

    public VectorRecurrentScan(Parallel parallel) {
        this.parallel = parallel;
    }

    /** See {@link dev.nemotron.api.backend.MambaKernels#recurrentScan}. */
    public void apply(SsmShape s, int seqLen, float[] x, float[] dt, float[] a, float[] b, float[] c,
                      float[] d, float[] state, float[] y) {
        ScanChecks.scan(s, seqLen, x, dt, a, b, c, d, state, y);
        int pn = s.headDim() * s.stateSize();
        long perHead = Math.max(1L, (long) seqLen * pn);
        int grain = (int) Math.max(1, WORK_PER_TASK / perHead);
        parallel.forRange(0, s.heads(), grain, (h0, h1) -> {
            float[] local = state == null ? new float[pn] : null;
            for (int h = h0; h < h1; h++) {
                float[] st = state == null ? local : state;
                int so = state == null ? 0 : h * pn;
                if (state == null) {
                    java.util.Arrays.fill(local, 0f);
                }
                head(s, seqLen, h, x, dt, a, b, c, d, st, so, y);
            }
        });
    }

    private static void head(SsmShape s, int seqLen, int h, float[] x, float[] dt, float[] a,
                             float[] b, float[] c, float[] d, float[] st, int so, float[] y) {
        int hh = s.heads();
        int p = s.headDim();
        int n = s.stateSize();
        int g = h / (hh / s.groups());
        int bound = F.loopBound(n);
        float dh = d == null ? 0f : d[h];
        for (int t = 0; t < seqLen; t++) {
            float dtv = dt[t * hh + h];
            float decay = (float) Math.exp(dtv * a[h]);
            int bo = (t * s.groups() + g) * n;
            int xo = (t * hh + h) * p;
            for (int i = 0; i < p; i++) {
                float xi = x[xo + i];
                float u = dtv * xi;
                int ro = so + i * n;
                FloatVector acc = FloatVector.zero(F);
                int k = 0;
                for (; k < bound; k += LANES) {
                    FloatVector sv = FloatVector.fromArray(F, st, ro + k).mul(decay)
                            .add(FloatVector.fromArray(F, b, bo + k).mul(u));
                    sv.intoArray(st, ro + k);
                    acc = sv.fma(FloatVector.fromArray(F, c, bo + k), acc);
                }
                float sum = acc.reduceLanes(VectorOperators.ADD);
                for (; k < n; k++) {
                    float sv = st[ro + k] * decay + b[bo + k] * u;
                    st[ro + k] = sv;
                    sum += sv * c[bo + k];
                }
                y[xo + i] = sum + dh * xi;
            }
        }
    }
}
