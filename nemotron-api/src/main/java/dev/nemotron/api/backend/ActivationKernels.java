package dev.nemotron.api.backend;

/** Element-wise activations, in place on the first {@code n} elements. */
public interface ActivationKernels {
    /** {@code x * sigmoid(x)}. */
    void silu(float[] x, int n);

    /** {@code max(x, 0)^2}, the MLP activation of Nemotron-H. */
    void relu2(float[] x, int n);

    /** {@code log(1 + exp(x))}, computed without overflow ({@code x} itself above 20, as torch). */
    void softplus(float[] x, int n);
}
