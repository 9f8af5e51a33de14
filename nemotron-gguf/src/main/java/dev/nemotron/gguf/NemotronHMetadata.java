package dev.nemotron.gguf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.arch.config.NemotronHConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code nemotron_h.*} hyper-parameters, as llama.cpp's converter writes them for
 * NemotronHForCausalLM (its NemotronHModel on top of GraniteHybridModel and Mamba2Model) and as
 * llama.cpp's loader reads them; and the inverse, a {@code config.json} rebuilt from them.
 *
 * <p>Per-layer arrays carry the layer pattern: {@code attention.head_count_kv} is the KV head
 * count on attention layers and 0 elsewhere, {@code feed_forward_length} the MLP width on MLP
 * layers and 0 elsewhere; llama.cpp takes a layer with both 0 for a Mamba-2 layer.
 * {@code ssm.time_step_rank} is the number of Mamba heads, {@code ssm.inner_size} heads x head dim.
 */
public final class NemotronHMetadata {
    public static final String ARCH = "nemotron_h";
    private static final String P = ARCH + ".";

    private NemotronHMetadata() {
    }

    /** llama.cpp's LlamaFileType of an export of element type {@code t}. */
    static int fileType(GgmlType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
            case BF16 -> 32;
        };
    }

    /** The hyper-parameter keys of {@code c} (general.* and nemotron_h.*; the tokenizer is {@link GgufVocab}'s). */
    public static Map<String, GgufValue> of(NemotronHConfig c, String name, GgmlType type) {
        ModelConfigView v = c.view();
        int layers = c.numLayers();
        int heads = v.getInt("num_attention_heads");
        int kvHeads = v.has("num_key_value_heads") ? v.getInt("num_key_value_heads") : heads;
        int headDim = v.has("head_dim") ? v.getInt("head_dim")
                : v.has("attention_head_dim") ? v.getInt("attention_head_dim") : c.hiddenSize() / heads;
        int[] kv = new int[layers];
        int[] ff = new int[layers];
        for (int i = 0; i < layers; i++) {
            char s = c.symbol(i);
            switch (s) {
                case 'M' -> { }
                case '*' -> kv[i] = kvHeads;
                case '-' -> ff[i] = v.getInt("intermediate_size");
                default -> throw new GgufException(c.source() + ": layer " + i + " is of type '" + s
                        + "', which llama.cpp's nemotron_h cannot hold (it has Mamba-2 'M', attention '*' and MLP '-' layers)");
            }
        }
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.str(ARCH));
        m.put("general.type", GgufValue.str("model"));
        m.put("general.name", GgufValue.str(name));
        m.put(P + "block_count", GgufValue.u32(layers));
        m.put(P + "context_length", GgufValue.u32(v.has("max_position_embeddings") ? v.getInt("max_position_embeddings") : 4096));
        m.put(P + "embedding_length", GgufValue.u32(c.hiddenSize()));
        m.put(P + "feed_forward_length", GgufValue.i32Array(ff));
        m.put(P + "attention.head_count", GgufValue.u32(heads));
        m.put(P + "attention.head_count_kv", GgufValue.i32Array(kv));
        m.put(P + "attention.layer_norm_epsilon", GgufValue.f32(c.normEpsilon()));
        m.put(P + "attention.layer_norm_rms_epsilon", GgufValue.f32(c.normEpsilon()));
        m.put(P + "attention.key_length", GgufValue.u32(headDim));
        m.put(P + "attention.value_length", GgufValue.u32(headDim));
        m.put(P + "vocab_size", GgufValue.u32(c.vocabSize()));
        m.put(P + "rope.dimension_count", GgufValue.u32(c.hiddenSize() / heads));
        m.put(P + "rope.scaling.finetuned", GgufValue.bool(false));
        if (c.pattern().indexOf('M') >= 0) {
            int mHeads = v.getInt("mamba_num_heads");
            m.put(P + "ssm.conv_kernel", GgufValue.u32(v.getInt("conv_kernel")));
            m.put(P + "ssm.state_size", GgufValue.u32(v.getInt("ssm_state_size")));
            m.put(P + "ssm.group_count", GgufValue.u32(v.getInt("n_groups")));
            m.put(P + "ssm.inner_size", GgufValue.u32((long) mHeads * v.getInt("mamba_head_dim")));
            m.put(P + "ssm.time_step_rank", GgufValue.u32(mHeads));
        }
        m.put("general.file_type", GgufValue.u32(fileType(type)));
        m.put("general.quantization_version", GgufValue.u32(2));
        return m;
    }

    /**
     * A {@code config.json} for the model of {@code f}: the pattern from the per-layer arrays (and
     * checked against the tensors present), sizes from the keys and the tensor shapes.
     */
    public static ObjectNode config(GgufFile f, String dtype) {
        String arch = f.string("general.architecture").orElseThrow(() -> new GgufException(f.label()
                + ": metadata key 'general.architecture' is missing"));
        if (!ARCH.equals(arch)) {
            throw new GgufException(f.label() + ": architecture '" + GgufFile.printable(arch)
                    + "' is not nemotron_h; this SDK runs Nemotron-H (nemotron_h) GGUF files only");
        }
        long layersL = f.requireInt(P + "block_count");
        if (layersL < 1 || layersL > 4096) {
            throw new GgufException(f.label() + ": " + P + "block_count " + layersL + " is out of range (1 to 4096)");
        }
        int layers = (int) layersL;
        long[] kv = f.perLayer(P + "attention.head_count_kv", layers);
        long[] ff = f.perLayer(P + "feed_forward_length", layers);
        long[] heads = f.perLayer(P + "attention.head_count", layers);
        StringBuilder pattern = new StringBuilder();
        long kvHeads = 0;
        long numHeads = 0;
        long inter = 0;
        for (int i = 0; i < layers; i++) {
            char s = ff[i] > 0 ? '-' : kv[i] > 0 ? '*' : 'M';
            String expect = switch (s) {
                case '-' -> "ffn_up.weight";
                case '*' -> "attn_q.weight";
                default -> "ssm_in.weight";
            };
            if (!f.tensors().containsKey("blk." + i + "." + expect)) {
                throw new GgufException(f.label() + ": layer " + i + " (" + (s == '-' ? "MLP" : s == '*' ? "attention" : "Mamba-2")
                        + " by its head_count_kv and feed_forward_length) has no tensor blk." + i + "." + expect);
            }
            pattern.append(s);
            kvHeads = Math.max(kvHeads, kv[i]);
            numHeads = Math.max(numHeads, heads[i]);
            inter = Math.max(inter, ff[i]);
        }
        GgufFile.TensorInfo embd = f.tensors().get("token_embd.weight");
        if (embd == null || embd.ne().length != 2) {
            throw new GgufException(f.label() + ": tensor token_embd.weight (2-D) is missing");
        }
        long hidden = f.requireInt(P + "embedding_length");
        if (embd.ne()[0] != hidden) {
            throw new GgufException(f.label() + ": token_embd.weight has rows of " + embd.ne()[0] + ", but embedding_length is " + hidden);
        }
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.putArray("architectures").add("NemotronHForCausalLM");
        c.put("model_type", ARCH);
        c.put("vocab_size", embd.ne()[1]);
        c.put("hidden_size", hidden);
        c.put("num_hidden_layers", layers);
        c.put("hybrid_override_pattern", pattern.toString());
        c.put("num_attention_heads", numHeads);
        c.put("num_key_value_heads", kvHeads > 0 ? kvHeads : numHeads);
        c.put("head_dim", f.integer(P + "attention.key_length").orElse(numHeads > 0 ? hidden / numHeads : 0L));
        c.put("attention_bias", f.tensors().keySet().stream().anyMatch(n -> n.endsWith(".attn_q.bias")));
        if (inter > 0) {
            c.put("intermediate_size", inter);
        }
        c.put("mlp_hidden_act", "relu2");
        c.put("mlp_bias", f.tensors().keySet().stream().anyMatch(n -> n.endsWith(".ffn_up.bias")));
        if (pattern.indexOf("M") >= 0) {
            long rank = f.requireInt(P + "ssm.time_step_rank");
            long inner = f.requireInt(P + "ssm.inner_size");
            if (rank <= 0 || inner % rank != 0) {
                throw new GgufException(f.label() + ": ssm.inner_size " + inner + " is not a multiple of ssm.time_step_rank " + rank);
            }
            c.put("mamba_num_heads", rank);
            c.put("mamba_head_dim", inner / rank);
            c.put("n_groups", f.requireInt(P + "ssm.group_count"));
            c.put("ssm_state_size", f.requireInt(P + "ssm.state_size"));
            c.put("conv_kernel", f.requireInt(P + "ssm.conv_kernel"));
            c.put("use_conv_bias", f.tensors().keySet().stream().anyMatch(n -> n.endsWith(".ssm_conv1d.bias")));
            c.put("mamba_hidden_act", "silu");
            c.put("mamba_proj_bias", false);
        }
        c.put("use_bias", false);
        double eps = f.real(P + "attention.layer_norm_rms_epsilon").or(() -> f.real(P + "attention.layer_norm_epsilon")).orElse(1e-5);
        c.put("layer_norm_epsilon", (float) eps);
        c.put("tie_word_embeddings", !f.tensors().containsKey("output.weight"));
        c.put("max_position_embeddings", f.integer(P + "context_length").filter(n -> n > 0 && n <= Integer.MAX_VALUE).orElse(4096L));
        f.integer("tokenizer.ggml.bos_token_id").ifPresent(id -> c.put("bos_token_id", id));
        f.integer("tokenizer.ggml.eos_token_id").ifPresent(id -> c.put("eos_token_id", id));
        f.integer("tokenizer.ggml.padding_token_id").ifPresent(id -> c.put("pad_token_id", id));
        c.put("torch_dtype", dtype);
        return c;
    }
}
