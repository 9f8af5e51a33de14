package dev.nemotron.arch.layer.mamba;

import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.arch.config.ConfigException;
import dev.nemotron.arch.layer.ConfigChecks;

/**
 * Sizes of a Mamba-2 layer, read from the config.
 *
 * <pre>
 * d = hidden_size   H = mamba_num_heads   P = mamba_head_dim   D = H*P (not expand*d)
 * G = n_groups      N = ssm_state_size    K = conv_kernel       convDim = D + 2*G*N
 * in_proj: d -> D (z) + convDim (xBC) + H (dt)
 * </pre>
 */
record Mamba2Dims(int hidden, int heads, int headDim, int groups, int stateSize, int convKernel,
                  int chunkSize, boolean projBias, boolean convBias, double dtMin, double dtMax) {

    static Mamba2Dims of(LayerContext layer) {
        int hidden = ConfigChecks.positive(layer, "hidden_size");
        int heads = ConfigChecks.positive(layer, "mamba_num_heads");
        int headDim = ConfigChecks.positive(layer, "mamba_head_dim");
        int groups = ConfigChecks.positive(layer, "n_groups");
        int state = ConfigChecks.positive(layer, "ssm_state_size");
        int kernel = ConfigChecks.positive(layer, "conv_kernel");
        int chunk = ConfigChecks.positiveOr(layer, "chunk_size", 128);
        ConfigChecks.divisible(layer, "mamba_num_heads", heads, "n_groups", groups);
        String act = layer.config().getString("mamba_hidden_act").orElse("silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            throw new ConfigException(layer.config().source() + ": field 'mamba_hidden_act' = \"" + act
                    + "\" is not supported (Mamba-2 layers use \"silu\")");
        }
        double[] limit = layer.config().getDoubles("time_step_limit").orElse(new double[] {0.0, Double.POSITIVE_INFINITY});
        if (limit.length != 2 || !(limit[0] <= limit[1]) || limit[0] < 0) {
            throw new ConfigException(layer.config().source()
                    + ": field 'time_step_limit' must be [min, max] with 0 <= min <= max");
        }
        return new Mamba2Dims(hidden, heads, headDim, groups, state, kernel, chunk,
                layer.config().getBoolean("use_bias", false), layer.config().getBoolean("use_conv_bias", true),
                limit[0], limit[1]);
    }

    int inner() {
        return heads * headDim;
    }

    int convDim() {
        return inner() + 2 * groups * stateSize;
    }

    int projSize() {
        return inner() + convDim() + heads;
    }

    SsmShape ssmShape() {
        return new SsmShape(heads, headDim, groups, stateSize);
    }
}
