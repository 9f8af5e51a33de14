package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.randn;
import static dev.nemotron.backend.java.TestData.uniform;

import dev.nemotron.api.backend.SsmShape;
import java.util.SplittableRandom;

/** Random inputs of one selective scan, and a float64 brute-force recurrence over them. */
record ScanInputs(SsmShape s, int len, float[] x, float[] dt, float[] a, float[] b, float[] c,
                  float[] d, float[] state) {

    static ScanInputs random(SsmShape s, int len, boolean withState, boolean withD, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int gn = len * s.groups() * s.stateSize();
        return new ScanInputs(s, len, randn(rnd, len * s.innerSize()),
                uniform(rnd, len * s.heads(), 0.01, 0.5), uniform(rnd, s.heads(), -2, -0.1),
                randn(rnd, gn), randn(rnd, gn), withD ? randn(rnd, s.heads()) : null,
                withState ? randn(rnd, s.stateFloats()) : null);
    }

    /** A fresh copy of the initial state (null stays null). */
    float[] stateCopy() {
        return state == null ? null : state.clone();
    }

    /** A zero-filled output array. */
    float[] newY() {
        return new float[len * s.innerSize()];
    }

    /**
     * The recurrence in float64, written independently of the kernels: returns y, and the final
     * state in {@code finalState} ([H,P,N]).
     */
    double[] bruteForce(double[] finalState) {
        int hh = s.heads(), p = s.headDim(), g = s.groups(), n = s.stateSize();
        double[][][] st = new double[hh][p][n];
        if (state != null) {
            for (int h = 0; h < hh; h++) {
                for (int i = 0; i < p; i++) {
                    for (int k = 0; k < n; k++) {
                        st[h][i][k] = state[(h * p + i) * n + k];
                    }
                }
            }
        }
        double[] y = new double[len * hh * p];
        for (int t = 0; t < len; t++) {
            for (int h = 0; h < hh; h++) {
                int grp = h / (hh / g);
                double dtv = dt[t * hh + h];
                double decay = Math.exp(dtv * a[h]);
                for (int i = 0; i < p; i++) {
                    double xv = x[(t * hh + h) * p + i];
                    double acc = d == null ? 0 : d[h] * xv;
                    for (int k = 0; k < n; k++) {
                        int bc = (t * g + grp) * n + k;
                        st[h][i][k] = decay * st[h][i][k] + dtv * xv * b[bc];
                        acc += st[h][i][k] * c[bc];
                    }
                    y[(t * hh + h) * p + i] = acc;
                }
            }
        }
        for (int h = 0; h < hh; h++) {
            for (int i = 0; i < p; i++) {
                for (int k = 0; k < n; k++) {
                    finalState[(h * p + i) * n + k] = st[h][i][k];
                }
            }
        }
        return y;
    }
}
