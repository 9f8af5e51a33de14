package dev.nemotron.arch.config;

import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.api.options.Suggestions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys a Nemotron-H {@code config.json} may carry, for the warning about an unknown or
 * misspelt one ({@code layer_norm_epsilom}): HF carries many keys the SDK does not read, so only
 * a key that neither the HF {@code NemotronHConfig} (its fields, their legacy spellings and the
 * generic {@code PretrainedConfig} keys) nor any layer type of this run reads is reported, with the
 * closest known key as a suggestion. Keys starting with {@code _} ({@code _comment}) are private
 * and never reported. A warning, not an error: a config written by a newer HF version may add
 * keys.
 */
final class ConfigKeys {
    /** Fields of HF transformers' {@code NemotronHConfig} and their legacy config.json spellings. */
    static final Set<String> NEMOTRON_H = Set.of(
            "vocab_size", "hidden_size", "layers_block_type", "layer_types", "hybrid_override_pattern",
            "num_hidden_layers", "tie_word_embeddings", "use_cache", "num_logits_to_keep", "pad_token_id",
            "bos_token_id", "eos_token_id", "num_attention_heads", "num_key_value_heads", "head_dim",
            "attention_head_dim", "max_position_embeddings", "attention_bias", "attention_dropout", "sliding_window",
            "intermediate_size", "mlp_hidden_act", "mlp_bias", "use_mamba_kernels", "ssm_state_size",
            "mamba_num_heads", "mamba_head_dim", "mamba_hidden_act", "n_groups", "conv_kernel", "expand",
            "time_step_min", "time_step_max", "time_step_limit", "time_step_floor", "use_conv_bias", "chunk_size",
            "mamba_proj_bias", "mamba_ssm_cache_dtype", "n_routed_experts", "num_local_experts", "n_shared_experts",
            "moe_intermediate_size", "moe_shared_expert_intermediate_size", "moe_latent_size",
            "moe_shared_expert_overlap", "num_experts_per_tok", "routed_scaling_factor", "n_group", "topk_group",
            "norm_topk_prob", "num_nextn_predict_layers", "mtp_layers_block_type", "mtp_hybrid_override_pattern",
            "use_bias", "initializer_range", "layer_norm_epsilon", "residual_in_fp32", "hidden_dropout",
            "rescale_prenorm_residual",
            // legacy spellings HF still accepts
            "mamba_n_groups", "mamba_d_conv", "mamba_expand", "mamba_dt_min", "mamba_dt_max", "mamba_dt_limit",
            "mamba_dt_init_floor", "mamba_conv_bias", "mamba_chunk_size",
            // read by the SDK as an alias
            "rms_norm_eps");

    /** Keys of HF's generic {@code PretrainedConfig} and of the files HF tools write. */
    static final Set<String> PRETRAINED = Set.of(
            "architectures", "auto_map", "model_type", "torch_dtype", "dtype", "transformers_version",
            "_name_or_path", "name_or_path", "_commit_hash", "_attn_implementation_autoset", "attn_implementation",
            "return_dict", "output_hidden_states", "output_attentions", "torchscript", "use_bfloat16", "pruned_heads",
            "chunk_size_feed_forward", "is_encoder_decoder", "is_decoder", "cross_attention_hidden_size",
            "add_cross_attention", "tie_encoder_decoder", "id2label", "label2id", "num_labels", "problem_type",
            "tokenizer_class", "prefix", "sep_token_id", "decoder_start_token_id", "task_specific_params",
            "finetuning_task", "quantization_config", "rope_scaling", "rope_theta", "rope_parameters",
            "max_length", "min_length", "do_sample", "early_stopping", "num_beams", "num_beam_groups",
            "diversity_penalty", "temperature", "top_k", "top_p", "typical_p", "repetition_penalty",
            "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "bad_words_ids",
            "num_return_sequences", "output_scores", "return_dict_in_generate", "forced_bos_token_id",
            "forced_eos_token_id", "remove_invalid_values", "exponential_decay_length_penalty",
            "suppress_tokens", "begin_suppress_tokens", "tf_legacy_loss");

    private ConfigKeys() {
    }

    /**
     * One warning for each key of {@code keys} that is neither an HF key nor in {@code read} (the
     * keys this run's layer types read), sorted: {@code config.json: unknown field
     * 'layer_norm_epsilom' (ignored); did you mean 'layer_norm_epsilon'?}.
     */
    static List<String> warnings(Iterator<String> keys, Collection<String> read, String source) {
        Set<String> known = new TreeSet<>(NEMOTRON_H);
        known.addAll(PRETRAINED);
        known.addAll(read);
        Set<String> unknown = new TreeSet<>();
        keys.forEachRemaining(k -> {
            if (!known.contains(k) && !k.startsWith("_")) {
                unknown.add(k);
            }
        });
        List<String> out = new ArrayList<>();
        for (String k : unknown) {
            out.add(source + ": unknown field '" + k + "' (ignored)" + Suggestions.didYouMean(k, known));
        }
        return out;
    }

    /** {@code view}, noting in {@code read} every field a layer type asks it about. */
    static ModelConfigView recording(ModelConfigView view, Set<String> read) {
        return new Recording(view, read);
    }

    private record Recording(ModelConfigView view, Set<String> read) implements ModelConfigView {
        @Override
        public int hiddenSize() {
            return view.hiddenSize();
        }

        @Override
        public double normEpsilon() {
            return view.normEpsilon();
        }

        @Override
        public boolean has(String field) {
            read.add(field);
            return view.has(field);
        }

        @Override
        public int getInt(String field) {
            read.add(field);
            return view.getInt(field);
        }

        @Override
        public double getDouble(String field) {
            read.add(field);
            return view.getDouble(field);
        }

        @Override
        public boolean getBoolean(String field, boolean defaultValue) {
            read.add(field);
            return view.getBoolean(field, defaultValue);
        }

        @Override
        public Optional<String> getString(String field) {
            read.add(field);
            return view.getString(field);
        }

        @Override
        public Optional<double[]> getDoubles(String field) {
            read.add(field);
            return view.getDoubles(field);
        }

        @Override
        public String source() {
            return view.source();
        }
    }
}
