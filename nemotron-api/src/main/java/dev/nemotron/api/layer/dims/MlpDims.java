package dev.nemotron.api.layer.dims;

/**
 * Sizes of the squared-ReLU MLP (pattern symbol {@code -}): {@code down(relu(up(x))^2)}.
 *
 * @param intermediate {@code intermediate_size}, the neurons between up and down
 * @param bias         {@code up_proj} and {@code down_proj} have biases ({@code mlp_bias})
 */
public record MlpDims(int hidden, int intermediate, boolean bias) implements LayerDims {
    public MlpDims {
        if (hidden < 1 || intermediate < 1) {
            throw new IllegalArgumentException("MLP sizes must be positive: hidden " + hidden + ", intermediate "
                    + intermediate);
        }
    }
}
