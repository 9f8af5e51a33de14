package dev.nemotron.train.optim;

import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;

/**
 * Global-norm gradient clipping, as PyTorch's {@code clip_grad_norm_}: the L2 norm of all
 * gradients of a group taken together; when it exceeds {@code maxNorm}, every gradient is scaled by
 * {@code maxNorm / (norm + 1e-6)}.
 */
public final class GradientClipping {
    /** The Nemotron-H default maximum norm. */
    public static final double DEFAULT_MAX_NORM = 1.0;

    private static final double EPS = 1e-6;

    private GradientClipping() {
    }

    /**
     * The global L2 norm of the gradients, computed with scaling so that it neither overflows nor
     * underflows for large or tiny gradients.
     */
    public static double globalNorm(ParameterGroup group) {
        double scale = 0;
        double ssq = 1;
        boolean nan = false;
        for (Parameter p : group.parameters()) {
            for (double g : p.grads()) {
                if (Double.isNaN(g)) {
                    nan = true;
                } else if (Double.isInfinite(g)) {
                    return Double.POSITIVE_INFINITY;
                } else if (g != 0) {
                    double a = Math.abs(g);
                    if (scale < a) {
                        double r = scale / a;
                        ssq = 1 + ssq * r * r;
                        scale = a;
                    } else {
                        double r = a / scale;
                        ssq += r * r;
                    }
                }
            }
        }
        return nan ? Double.NaN : scale * Math.sqrt(ssq);
    }

    /**
     * Clips the gradients of {@code group} in place to a global norm of at most {@code maxNorm}.
     * A non-finite norm (a NaN or infinite gradient) leaves the gradients as they are: the caller
     * sees it in the returned value and should skip the step.
     *
     * @return the global norm <em>before</em> clipping (for the metrics log)
     */
    public static double clipGlobalNorm(ParameterGroup group, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max_norm must be positive: " + maxNorm);
        }
        double norm = globalNorm(group);
        if (Double.isFinite(norm) && norm > maxNorm) {
            double coef = maxNorm / (norm + EPS);
            for (Parameter p : group.parameters()) {
                double[] g = p.grads();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= coef;
                }
            }
        }
        return norm;
    }

    /** {@link #clipGlobalNorm(ParameterGroup, double)} with {@link #DEFAULT_MAX_NORM}. */
    public static double clipGlobalNorm(ParameterGroup group) {
        return clipGlobalNorm(group, DEFAULT_MAX_NORM);
    }
}
