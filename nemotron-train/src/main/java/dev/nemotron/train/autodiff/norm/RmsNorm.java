package dev.nemotron.train.autodiff.norm;

import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;

/**
 * RMSNorm with a learned scale (per-layer {@code norm.weight} and the final {@code norm_f.weight}).
 *
 * <pre>
 * x [rows, d]  w [d]  ->  y [rows, d]
 * forward:  r = 1/sqrt(mean(x^2) + eps);  y = w * x * r
 * backward: dw += sum_rows dy * x * r
 *           dx  = r * (w*dy) - x * r^3 / d * sum_j (w_j dy_j x_j)
 * </pre>
 */
public final class RmsNorm {
    /** The input and the per-row 1/rms of one forward pass. */
    public static final class Saved {
        double[] x;
        double[] inv;
        int rows;
    }

    private final String weightName;
    private final double[] w;
    private final int dim;
    private final double eps;

    public RmsNorm(Parameters params, String weightName, double eps) {
        this.weightName = weightName;
        this.w = params.get(weightName);
        this.dim = w.length;
        this.eps = eps;
    }

    public double[] forward(double[] x, int rows, Saved saved) {
        double[] y = new double[rows * dim];
        double[] inv = new double[rows];
        for (int r = 0; r < rows; r++) {
            // 1. 1/rms of the row
            double ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += x[r * dim + i] * x[r * dim + i];
            }
            inv[r] = 1.0 / Math.sqrt(ss / dim + eps);
            // 2. scale
            for (int i = 0; i < dim; i++) {
                y[r * dim + i] = w[i] * x[r * dim + i] * inv[r];
            }
        }
        if (saved != null) {
            saved.x = x;
            saved.inv = inv;
            saved.rows = rows;
        }
        return y;
    }

    public double[] backward(double[] dy, Saved saved, Gradients grads) {
        double[] dw = grads.get(weightName);
        double[] x = saved.x;
        double[] dx = new double[saved.rows * dim];
        for (int r = 0; r < saved.rows; r++) {
            double inv = saved.inv[r];
            double dot = 0;
            for (int i = 0; i < dim; i++) {
                int j = r * dim + i;
                dw[i] += dy[j] * x[j] * inv;
                dot += w[i] * dy[j] * x[j];
            }
            double k = inv * inv * inv * dot / dim;
            for (int i = 0; i < dim; i++) {
                int j = r * dim + i;
                dx[j] = inv * w[i] * dy[j] - x[j] * k;
            }
        }
        return dx;
    }
}
