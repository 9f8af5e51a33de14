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
 * @param block the library's block argument: -1 no quantisation, 0 per channel, 128 blocks
 */
public record WeightFormat(String name, int block) {
    public static final String PROPERTY = "nemotron.cuda.weights";
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
