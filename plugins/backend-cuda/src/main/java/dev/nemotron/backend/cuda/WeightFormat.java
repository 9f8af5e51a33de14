package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import java.util.Locale;

/**
 * How the CUDA backend stores the linear layers' weights on the device: as the compute type
 * (default), or quantised at load to FP8 E4M3 with one fp32 scale per output channel or per
 * 128 x 128 block ({@code nmc_model_quantize_fp8}; docs/backend-cuda.md, "FP8 weights").
 * Chosen by the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENV}: {@code bf16} (default), {@code fp8} or {@code fp8-channel}, {@code fp8-block}.
 *
 * <p>lm_head stays BF16 with FP8 weights unless the system property {@value #LM_HEAD_PROPERTY} is
 * {@code fp8} ({@code bf16}, the default, leaves it to the native switch {@code NMC_FP8_LM_HEAD};
 * {@code nmc_model_quantize_lm_head_fp8}, docs/backend-cuda.md "FP8 lm_head").
 *
 * @param block the library's block argument: -1 no quantisation, 0 per channel, 128 blocks
 */
public record WeightFormat(String name, int block) {
    public static final String PROPERTY = "nemotron.cuda.weights";
    public static final String LM_HEAD_PROPERTY = "nemotron.cuda.lmhead";
    public static final String ENV = "NEMOTRON_CUDA_WEIGHTS";
    public static final WeightFormat NATIVE = new WeightFormat("bf16", -1);
    public static final WeightFormat FP8_CHANNEL = new WeightFormat("fp8-channel", 0);
    public static final WeightFormat FP8_BLOCK = new WeightFormat("fp8-block", 128);

    public boolean quantized() {
        return block >= 0;
    }

    /** The format the property or environment asks for (property first). */
    public static WeightFormat configured() {
        String p = System.getProperty(PROPERTY);
        if (p != null) {
            return parse(p, "-D" + PROPERTY);
        }
        String e = System.getenv(ENV);
        return e == null ? NATIVE : parse(e, ENV);
    }

    /** Whether {@value #LM_HEAD_PROPERTY} asks for an FP8 lm_head. */
    public static boolean fp8LmHeadConfigured() {
        String p = System.getProperty(LM_HEAD_PROPERTY);
        return p != null && parseLmHead(p, "-D" + LM_HEAD_PROPERTY);
    }

    /** Parses an lm_head format: {@code fp8} true, {@code bf16} or empty false; {@code source} as in {@link #parse}. */
    public static boolean parseLmHead(String value, String source) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "", "bf16" -> false;
            case "fp8" -> true;
            default -> throw new NemotronException(source + ": unknown lm_head format '" + value.strip()
                    + "' (expected bf16 or fp8)");
        };
    }

    /** Parses a value; {@code source} names where it came from in the error message. */
    public static WeightFormat parse(String value, String source) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "", "bf16", "native" -> NATIVE;
            case "fp8", "fp8-channel" -> FP8_CHANNEL;
            case "fp8-block", "fp8-block128" -> FP8_BLOCK;
            default -> throw new NemotronException(source + ": unknown weight format '" + value.strip()
                    + "' (expected bf16, fp8-channel or fp8-block)");
        };
    }
}
