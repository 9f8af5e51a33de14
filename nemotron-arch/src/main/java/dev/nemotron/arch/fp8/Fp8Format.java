package dev.nemotron.arch.fp8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The FP8 checkpoint layout (docs/backend-cuda.md, "FP8 weights and checkpoints"): which tensors
 * are FP8, the shape of their scales and the {@code quantization_config} of {@code config.json}.
 *
 * <p>A quantised linear weight {@code W [out, in]} is stored as {@code <name>} (safetensors dtype
 * {@code F8_E4M3}, {@code [out, in]}) plus {@code <name>_scale_inv} (F32), with
 * {@code W ≈ Q · scale_inv} (multiply to dequantise, the convention of HF's fine-grained FP8 and
 * DeepSeek-V3 checkpoints):
 * <ul>
 *   <li>block scales ({@code block = 128}): {@code scale_inv [ceil(out/128), ceil(in/128)]},
 *       {@code quantization_config = {"quant_method": "fp8", "fmt": "e4m3",
 *       "activation_scheme": "dynamic", "weight_block_size": [128, 128]}} (exactly what HF
 *       transformers / DeepSeek-V3 write);</li>
 *   <li>per output channel ({@code block = 0}, this SDK's extension; HF's {@code fp8} method has
 *       block scales only): {@code scale_inv [out, 1]}, the same config with
 *       {@code "weight_block_size": null} and {@code "weight_scale_granularity": "channel"}.</li>
 * </ul>
 *
 * @param block 128 for 128 × 128 blocks, 0 for one scale per output channel
 */
public record Fp8Format(int block) {
    /** The one block size read and written: the FP8 training recipe's and DeepSeek-V3's. */
    public static final int BLOCK = 128;
    /** The suffix of a scale tensor's name. */
    public static final String SCALE_SUFFIX = "_scale_inv";
    /** 128 × 128 block scales. */
    public static final Fp8Format BLOCKS = new Fp8Format(BLOCK);
    /** One scale per output channel. */
    public static final Fp8Format CHANNELS = new Fp8Format(0);

    private static final String FIELD = "quantization_config";
    private static final String GRANULARITY = "weight_scale_granularity";
    /** The linear weights the CUDA backend quantises; the embedding, lm_head, norms, conv, A_log, D, dt_bias stay. */
    private static final Pattern LINEAR = Pattern.compile(
            "(.*\\.)?mixer\\.(in_proj|out_proj|q_proj|k_proj|v_proj|o_proj|up_proj|down_proj)\\.weight");

    public Fp8Format {
        if (block != 0 && block != BLOCK) {
            throw new IllegalArgumentException("block must be 0 (per channel) or " + BLOCK + ", got " + block);
        }
    }

    /** True for 128 × 128 block scales, false for per-channel scales. */
    public boolean blocked() {
        return block > 0;
    }

    /** {@code fp8-block} or {@code fp8-channel}, for messages. */
    public String label() {
        return blocked() ? "fp8-block" : "fp8-channel";
    }

    /** The scale tensor's shape for a weight {@code [out, in]}. */
    public long[] scaleShape(long out, long in) {
        return blocked() ? new long[] {(out + block - 1) / block, (in + block - 1) / block} : new long[] {out, 1};
    }

    /** The name of {@code weight}'s scale tensor. */
    public static String scaleName(String weight) {
        return weight + SCALE_SUFFIX;
    }

    /** True for the weights an FP8 checkpoint stores as FP8 (Mamba in/out_proj, attention q/k/v/o, MLP up/down). */
    public static boolean quantizes(String name) {
        return LINEAR.matcher(name).matches();
    }

    /** The {@code quantization_config} object written into {@code config.json}. */
    public ObjectNode toConfig() {
        ObjectNode q = JsonNodeFactory.instance.objectNode();
        q.put("quant_method", "fp8");
        q.put("fmt", "e4m3");
        q.put("activation_scheme", "dynamic");
        if (blocked()) {
            q.putArray("weight_block_size").add(block).add(block);
        } else {
            q.putNull("weight_block_size");
            q.put(GRANULARITY, "channel");
        }
        return q;
    }

    /**
     * The FP8 format that {@code config}'s {@code quantization_config} describes; empty when it has
     * none (or null).
     *
     * @param source the file, for messages
     * @throws NemotronException one line naming the unsupported field and what is read instead
     */
    public static Optional<Fp8Format> fromConfig(JsonNode config, String source) {
        JsonNode q = config.get(FIELD);
        if (q == null || q.isNull()) {
            return Optional.empty();
        }
        String supported = " (the SDK reads FP8 checkpoints: quant_method \"fp8\", fmt \"e4m3\", activation_scheme "
                + "\"dynamic\", weight_block_size [128, 128] or per-channel scales; see docs/backend-cuda.md)";
        if (!q.isObject()) {
            throw new NemotronException(source + ": " + FIELD + " must be an object, got " + q.getNodeType() + supported);
        }
        String method = text(q, "quant_method");
        if (!"fp8".equals(method)) {
            throw new NemotronException(source + ": " + FIELD + ".quant_method " + quote(method)
                    + " is not supported" + supported);
        }
        String fmt = text(q, "fmt");
        if (fmt != null && !fmt.equals("e4m3")) {
            throw new NemotronException(source + ": " + FIELD + ".fmt " + quote(fmt) + " is not supported" + supported);
        }
        String activations = text(q, "activation_scheme");
        if (activations != null && !activations.equals("dynamic")) {
            throw new NemotronException(source + ": " + FIELD + ".activation_scheme " + quote(activations)
                    + " is not supported (activations stay BF16; static activation scales are not read)" + supported);
        }
        JsonNode blockSize = q.get("weight_block_size");
        String granularity = text(q, GRANULARITY);
        if (blockSize == null || blockSize.isNull()) {
            if (blockSize == null && granularity == null) {
                return Optional.of(BLOCKS); // HF's FineGrainedFP8Config default: (128, 128)
            }
            if (!"channel".equals(granularity)) {
                throw new NemotronException(source + ": " + FIELD + " has no weight_block_size and "
                        + GRANULARITY + " " + quote(granularity) + supported);
            }
            return Optional.of(CHANNELS);
        }
        if (!blockSize.isArray() || blockSize.size() != 2 || !blockSize.get(0).isIntegralNumber()
                || blockSize.get(0).asLong() != BLOCK || !blockSize.get(1).isIntegralNumber()
                || blockSize.get(1).asLong() != BLOCK) {
            throw new NemotronException(source + ": " + FIELD + ".weight_block_size " + oneLine(blockSize)
                    + " is not supported" + supported);
        }
        if (granularity != null && !granularity.equals("block")) {
            throw new NemotronException(source + ": " + FIELD + " has weight_block_size [128, 128] and "
                    + GRANULARITY + " " + quote(granularity) + supported);
        }
        return Optional.of(BLOCKS);
    }

    private static String text(JsonNode q, String field) {
        JsonNode n = q.get(field);
        return n == null || n.isNull() ? null : n.isTextual() ? n.asText() : oneLine(n);
    }

    private static String quote(String s) {
        return s == null ? "(missing)" : "\"" + NemotronException.oneLine(s) + "\"";
    }

    private static String oneLine(JsonNode n) {
        String s = n.toString();
        return NemotronException.oneLine(s.length() > 60 ? s.substring(0, 60) + "…" : s);
    }
}
