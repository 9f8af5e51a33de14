package dev.nemotron.train.report;

import java.util.Locale;

/**
 * The text of a progress line, with no IO (so it is unit-tested on its own):
 * <pre>
 * step 120/400 [######..............]  30%  loss 3.412  eval 3.550  lr 4.5e-04  2,310 tok/s  eta 1m52s
 * </pre>
 * The step is padded to the width of the total; fields that are unknown (NaN) are left out;
 * a finished run shows {@code took 3m12s} instead of the ETA.
 */
public final class ProgressFormat {
    private ProgressFormat() {
    }

    /** The line for {@code s}, with a bar of {@code barWidth} characters (0: no bar). */
    public static String line(ProgressState s, int barWidth) {
        StringBuilder b = new StringBuilder(120);
        String total = Long.toString(s.total());
        b.append("step ").append(pad(Long.toString(s.step()), total.length())).append('/').append(total);
        double fraction = Math.max(0, Math.min(1, (double) s.step() / s.total()));
        if (barWidth > 0) {
            int filled = (int) Math.floor(fraction * barWidth);
            b.append(" [").append("#".repeat(filled)).append(".".repeat(barWidth - filled)).append(']');
        }
        b.append(' ').append(pad(Integer.toString((int) Math.floor(fraction * 100)), 3)).append('%');
        if (!Double.isNaN(s.loss())) {
            b.append("  loss ").append(fixed(s.loss()));
        }
        if (!Double.isNaN(s.evalLoss())) {
            b.append("  eval ").append(fixed(s.evalLoss()));
        }
        if (!Double.isNaN(s.lr())) {
            b.append("  lr ").append(String.format(Locale.ROOT, "%.1e", s.lr()));
        }
        if (Double.isFinite(s.tokensPerSecond())) {
            b.append("  ").append(String.format(Locale.ROOT, "%,.0f", s.tokensPerSecond())).append(" tok/s");
        }
        if (s.finished()) {
            if (!Double.isNaN(s.elapsedSeconds())) {
                b.append("  took ").append(duration(s.elapsedSeconds()));
            }
        } else {
            b.append("  eta ").append(Double.isFinite(s.etaSeconds()) ? duration(s.etaSeconds()) : "--");
        }
        return b.toString();
    }

    /** {@code 45s}, {@code 1m52s}, {@code 2h05m}, {@code 3d04h}: two units at most, rounded down. */
    public static String duration(double seconds) {
        long s = (long) Math.max(0, Math.floor(seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }

    private static String fixed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
