package dev.nemotron.backend.onnx.graph;

/**
 * The names of the graphs' inputs and outputs (docs/onnx.md lists them with their shapes); the
 * layer index {@code i} is the layer's position in the hybrid pattern.
 */
public final class IoNames {
    public static final String PREFILL_FILE = "prefill.onnx";
    public static final String DECODE_FILE = "decode.onnx";
    public static final String INPUT_IDS = "input_ids";
    public static final String LOGITS = "logits";

    private IoNames() {
    }

    /** Output: keys of attention layer {@code i} after the call, [batch, kv_heads, length, head_dim]. */
    public static String presentKey(int i) {
        return "present." + i + ".key";
    }

    public static String presentValue(int i) {
        return "present." + i + ".value";
    }

    /** Decode input: the keys of attention layer {@code i} before the step. */
    public static String pastKey(int i) {
        return "past." + i + ".key";
    }

    public static String pastValue(int i) {
        return "past." + i + ".value";
    }

    /** Output: the conv window of Mamba layer {@code i} (last K-1 inputs), [batch, conv_dim, K-1]. */
    public static String convState(int i) {
        return "conv_state." + i;
    }

    /** Output: the SSM state of Mamba layer {@code i}, [batch, heads, head_dim, state_size], float32. */
    public static String ssmState(int i) {
        return "ssm_state." + i;
    }

    public static String pastConvState(int i) {
        return "past_conv_state." + i;
    }

    public static String pastSsmState(int i) {
        return "past_ssm_state." + i;
    }

    /** The decode input a prefill/decode output of the same layer feeds. */
    public static String pastOf(String output) {
        if (output.startsWith("present.")) {
            return "past." + output.substring("present.".length());
        }
        return "past_" + output;
    }
}
