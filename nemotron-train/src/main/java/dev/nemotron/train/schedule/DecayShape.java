package dev.nemotron.train.schedule;

/**
 * The shape of a decay from the peak to the minimum learning rate, as a factor of
 * {@code peak - min} that goes from 1 at progress 0 to 0 at progress 1:
 * {@code lr = min + (peak - min) * factor(progress)}.
 */
public enum DecayShape {
    /** {@code 1 - p}: a straight line (the SDK's default for warmup-stable-decay). */
    LINEAR,
    /** {@code 1 - sqrt(p)}: drops fast, then flattens (Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed Training Durations"). */
    ONE_MINUS_SQRT,
    /** {@code (1 + cos(pi p)) / 2}: a half cosine. */
    COSINE;

    /** The factor at {@code progress} in [0, 1]. */
    public double factor(double progress) {
        double p = Math.clamp(progress, 0.0, 1.0);
        return switch (this) {
            case LINEAR -> 1 - p;
            case ONE_MINUS_SQRT -> 1 - Math.sqrt(p);
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * p));
        };
    }

    /** The shape named {@code name}: {@code linear}, {@code 1-sqrt} (or {@code one_minus_sqrt}), {@code cosine}. */
    public static DecayShape parse(String name) {
        return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "linear" -> LINEAR;
            case "1-sqrt", "one_minus_sqrt", "one-minus-sqrt" -> ONE_MINUS_SQRT;
            case "cosine", "cos" -> COSINE;
            default -> throw new IllegalArgumentException("unknown decay shape '" + name + "' (linear, 1-sqrt, cosine)");
        };
    }
}
