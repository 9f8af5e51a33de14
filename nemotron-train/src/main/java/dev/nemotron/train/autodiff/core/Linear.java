package dev.nemotron.train.autodiff.core;

import dev.nemotron.train.gemm.Gemm;

/**
 * A dense layer in float64, laid out as torch's {@code nn.Linear} and the checkpoints, computed
 * with the vectorised {@link Gemm} (each output one chain of fused multiply-adds in increasing
 * contraction index: deterministic). {@link Reference} is the plain scalar version the tests
 * check it against.
 *
 * <pre>
 * x [rows, in]   W [out, in]   b [out] or null   y [rows, out]
 * forward:  y = x W^T + b                       Gemm.nt(rows, out, in)
 * backward: dx = dy W                           Gemm.nn(rows, in, out)
 *           dW += dy^T x                        Gemm.tn(out, in, rows), accumulating
 *           db += sum_rows dy                   rows in increasing order
 * </pre>
 */
public final class Linear {
    private Linear() {
    }

    public static double[] forward(double[] x, int rows, int in, double[] w, double[] b, int out) {
        return Gemm.nt(rows, out, in, x, w, b);
    }

    /** Accumulates into {@code dw} and {@code db} (either may be null: not wanted) and returns dx. */
    public static double[] backward(double[] dy, double[] x, int rows, int in, double[] w, int out,
                                    double[] dw, double[] db) {
        double[] dx = new double[rows * in];
        Gemm.nn(rows, in, out, dy, w, dx, false);
        if (dw != null) {
            Gemm.tn(out, in, rows, dy, x, dw, true);
        }
        if (db != null) {
            biasGradient(dy, rows, out, db);
        }
        return dx;
    }

    /** {@code db[o] += sum_r dy[r, o]}, rows in increasing order. */
    public static void biasGradient(double[] dy, int rows, int out, double[] db) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                db[o] += dy[r * out + o];
            }
        }
    }

    /** The scalar triple loops (separate multiply and add), the reference for {@link Linear}. */
    public static final class Reference {
        private Reference() {
        }

        public static double[] forward(double[] x, int rows, int in, double[] w, double[] b, int out) {
            double[] y = new double[rows * out];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double s = b == null ? 0 : b[o];
                    int wo = o * in;
                    int xr = r * in;
                    for (int i = 0; i < in; i++) {
                        s += x[xr + i] * w[wo + i];
                    }
                    y[r * out + o] = s;
                }
            }
            return y;
        }

        /** Accumulates into {@code dw} and {@code db} (either may be null: not wanted) and returns dx. */
        public static double[] backward(double[] dy, double[] x, int rows, int in, double[] w, int out,
                                        double[] dw, double[] db) {
            double[] dx = new double[rows * in];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double g = dy[r * out + o];
                    if (g == 0) {
                        continue;
                    }
                    int wo = o * in;
                    int xr = r * in;
                    for (int i = 0; i < in; i++) {
                        dx[xr + i] += g * w[wo + i];
                    }
                    if (dw != null) {
                        for (int i = 0; i < in; i++) {
                            dw[wo + i] += g * x[xr + i];
                        }
                    }
                    if (db != null) {
                        db[o] += g;
                    }
                }
            }
            return dx;
        }
    }
}
