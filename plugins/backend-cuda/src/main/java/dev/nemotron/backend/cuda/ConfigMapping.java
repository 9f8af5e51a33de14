package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.backend.cuda.ffi.NmcConfig;
import dev.nemotron.backend.cuda.ffi.NmcLayouts;

/**
 * A HF {@code config.json} as an {@code nmc_config}, with the defaults nemotron-arch applies:
 * {@code num_key_value_heads} = heads, {@code head_dim} = hidden / heads, {@code chunk_size} 128,
 * {@code time_step_limit} (0, +inf), {@code use_conv_bias} true, other biases and
 * {@code tie_word_embeddings} false. Fields of a layer type the pattern does not use may be
 * absent (they are then 0).
 *
 * <p>Biases: the Mamba in/out projection biases follow {@code use_bias} (as HF NemotronH builds
 * them; {@code mamba_proj_bias} is not read), MLP biases follow {@code mlp_bias}. Attention biases
 * are given by the caller: HF NemotronH creates none whatever {@code attention_bias} says, so a
 * checkpoint's own tensors decide.
 */
final class ConfigMapping {
    private ConfigMapping() {
    }

    static NmcConfig map(ModelConfigView c, String pattern, DType computeType, boolean attentionBias) {
        boolean mamba = pattern.indexOf('M') >= 0;
        boolean attention = pattern.indexOf('*') >= 0;
        boolean mlp = pattern.indexOf('-') >= 0;
        int hidden = c.getInt("hidden_size");
        int heads = attention || c.has("num_attention_heads") ? c.getInt("num_attention_heads") : 0;
        int kvHeads = c.has("num_key_value_heads") ? c.getInt("num_key_value_heads") : heads;
        int headDim = c.has("head_dim") ? c.getInt("head_dim") : heads > 0 ? hidden / heads : 0;
        double[] limit = c.getDoubles("time_step_limit").orElse(new double[] {0.0, Double.POSITIVE_INFINITY});
        if (limit.length != 2) {
            throw new NemotronException(c.source() + ": field 'time_step_limit' must be [min, max]");
        }
        return new NmcConfig(
                c.getInt("vocab_size"),
                hidden,
                pattern,
                mlp || c.has("intermediate_size") ? c.getInt("intermediate_size") : 0,
                heads,
                kvHeads,
                headDim,
                required(c, "mamba_num_heads", mamba),
                required(c, "mamba_head_dim", mamba),
                required(c, "n_groups", mamba),
                required(c, "ssm_state_size", mamba),
                required(c, "conv_kernel", mamba),
                c.has("chunk_size") ? c.getInt("chunk_size") : 128,
                (float) c.normEpsilon(),
                (float) limit[0],
                (float) limit[1],
                c.getBoolean("use_bias", false),
                c.getBoolean("use_conv_bias", true),
                attentionBias,
                c.getBoolean("mlp_bias", false),
                c.getBoolean("tie_word_embeddings", false),
                computeType == DType.BF16 ? NmcLayouts.NMC_BF16 : NmcLayouts.NMC_F32);
    }

    private static int required(ModelConfigView c, String field, boolean needed) {
        return needed || c.has(field) ? c.getInt(field) : 0;
    }
}
