package dev.nemotron.train.autodiff.core;

/** Scalar activations and their derivatives, float64, as torch defines them. */
public final class Activations {
    private Activations() {
    }

    public static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /** {@code v * sigmoid(v)}. */
    public static double silu(double v) {
        return v / (1.0 + Math.exp(-v));
    }

    /** d silu / dv = s (1 + v (1 - s)), s = sigmoid(v). */
    public static double siluGrad(double v) {
        double s = sigmoid(v);
        return s * (1 + v * (1 - s));
    }

    /** d silu / dv from {@code s = sigmoid(v)} kept from the forward pass: no second exp. */
    public static double siluGrad(double v, double s) {
        return s * (1 + v * (1 - s));
    }

    /** torch's softplus (beta 1, threshold 20): the identity above 20. */
    public static double softplus(double v) {
        return v > 20 ? v : Math.log1p(Math.exp(v));
    }

    /** d softplus / dv: sigmoid(v), and 1 above the threshold. */
    public static double softplusGrad(double v) {
        return v > 20 ? 1.0 : sigmoid(v);
    }
}
