package dev.nemotron.train.autodiff.norm;

import dev.nemotron.train.autodiff.core.Activations;
import dev.nemotron.api.layer.train.ParameterGradients;
import dev.nemotron.api.layer.train.ParameterStore;

/**
 * The Mamba-2 output norm: gate with silu(z), then RMSNorm within each of G groups.
 *
 * <pre>
 * y, z [rows, D]  w [D]  G groups of gs = D/G channels  ->  out [rows, D]
 * forward:  t = y * silu(z);  per group r = 1/sqrt(mean_group(t^2) + eps);  out = w * t * r
 * backward: dw += dout * t * r
 *           dt  = r * (w*dout) - t * r^3 / gs * sum_group(w dout t)
 *           dy  = dt * silu(z);   dz = dt * y * silu'(z)
 * </pre>
 */
public final class GatedGroupRmsNorm {
    /** Inputs, the gated values and the per-(row, group) 1/rms. */
    public static final class Saved {
        double[] y;
        double[] z;
        double[] t;
        double[] sig;
        double[] inv;
        int rows;
    }

    /** Gradients with respect to both inputs. */
    public record InputGrads(double[] dy, double[] dz) {
    }

    private final String weightName;
    private final double[] w;
    private final int dim;
    private final int groups;
    private final double eps;

    public GatedGroupRmsNorm(ParameterStore params, String weightName, int groups, double eps) {
        this.weightName = weightName;
        this.w = params.get(weightName);
        this.dim = w.length;
        this.groups = groups;
        this.eps = eps;
        if (dim % groups != 0) {
            throw new IllegalArgumentException(weightName + ": " + dim + " channels not divisible into " + groups + " groups");
        }
    }

    public double[] forward(double[] y, double[] z, int rows, Saved saved) {
        int gs = dim / groups;
        double[] t = new double[rows * dim];
        double[] sig = new double[rows * dim];
        double[] inv = new double[rows * groups];
        double[] out = new double[rows * dim];
        for (int r = 0; r < rows; r++) {
            // 1. gate: silu(z) = z sigmoid(z), the sigmoid kept for backward
            for (int i = 0; i < dim; i++) {
                int j = r * dim + i;
                sig[j] = Activations.sigmoid(z[j]);
                t[j] = y[j] * (z[j] * sig[j]);
            }
            // 2. per-group RMS normalisation, times the weight
            for (int g = 0; g < groups; g++) {
                double ss = 0;
                for (int i = g * gs; i < (g + 1) * gs; i++) {
                    ss += t[r * dim + i] * t[r * dim + i];
                }
                double v = 1.0 / Math.sqrt(ss / gs + eps);
                inv[r * groups + g] = v;
                for (int i = g * gs; i < (g + 1) * gs; i++) {
                    out[r * dim + i] = w[i] * t[r * dim + i] * v;
                }
            }
        }
        if (saved != null) {
            saved.y = y;
            saved.z = z;
            saved.t = t;
            saved.sig = sig;
            saved.inv = inv;
            saved.rows = rows;
        }
        return out;
    }

    public InputGrads backward(double[] dout, Saved s, ParameterGradients grads) {
        int gs = dim / groups;
        double[] dw = grads.get(weightName);
        double[] dy = new double[s.rows * dim];
        double[] dz = new double[s.rows * dim];
        for (int r = 0; r < s.rows; r++) {
            for (int g = 0; g < groups; g++) {
                double v = s.inv[r * groups + g];
                double dot = 0;
                for (int i = g * gs; i < (g + 1) * gs; i++) {
                    int j = r * dim + i;
                    dw[i] += dout[j] * s.t[j] * v;
                    dot += w[i] * dout[j] * s.t[j];
                }
                double k = v * v * v * dot / gs;
                for (int i = g * gs; i < (g + 1) * gs; i++) {
                    int j = r * dim + i;
                    double dt = v * w[i] * dout[j] - s.t[j] * k;
                    dy[j] = dt * (s.z[j] * s.sig[j]);
                    dz[j] = dt * s.y[j] * Activations.siluGrad(s.z[j], s.sig[j]);
                }
            }
        }
        return new InputGrads(dy, dz);
    }
}
