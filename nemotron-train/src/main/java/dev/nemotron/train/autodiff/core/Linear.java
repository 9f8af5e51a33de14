package dev.nemotron.train.autodiff.core;

/**
 * A dense layer in float64, laid out as torch's {@code nn.Linear} and the checkpoints.
 *
 * <pre>
 * x [rows, in]   W [out, in]   b [out] or null   y [rows, out]
 * forward:  y = x W^T + b
 * backward: dx = dy W;  dW += dy^T x;  db += sum_rows dy
 * </pre>
 */
public final class Linear {
    private Linear() {
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
