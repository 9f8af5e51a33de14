package dev.nemotron.train.report;

import dev.nemotron.api.NemotronException;
import java.util.List;
import java.util.Objects;

/**
 * How a loss chart looks.
 *
 * @param width      image width in pixels, 200..10000
 * @param height     image height in pixels, 150..10000
 * @param title      the chart title (empty for none)
 * @param smoothing  weight of the past in the EMA line ({@link Smoothing#ema}), in {@code [0, 1)}
 * @param references horizontal reference lines
 */
public record ChartOptions(int width, int height, String title, double smoothing, List<ReferenceLine> references) {
    public static final int DEFAULT_WIDTH = 1000;
    public static final int DEFAULT_HEIGHT = 600;
    public static final double DEFAULT_SMOOTHING = 0.9;

    public ChartOptions {
        if (width < 200 || width > 10_000 || height < 150 || height > 10_000) {
            throw new NemotronException("chart size must be 200..10000 x 150..10000 pixels, got " + width + "x" + height);
        }
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new NemotronException("smoothing must be in [0, 1), got " + smoothing);
        }
        title = Objects.requireNonNullElse(title, "");
        references = List.copyOf(references);
    }

    /** 1000x600, title "Loss", smoothing 0.9, no reference line. */
    public static ChartOptions defaults() {
        return new ChartOptions(DEFAULT_WIDTH, DEFAULT_HEIGHT, "Loss", DEFAULT_SMOOTHING, List.of());
    }

    public ChartOptions withSize(int w, int h) {
        return new ChartOptions(w, h, title, smoothing, references);
    }

    public ChartOptions withTitle(String t) {
        return new ChartOptions(width, height, t, smoothing, references);
    }

    public ChartOptions withSmoothing(double s) {
        return new ChartOptions(width, height, title, s, references);
    }

    /** A copy with {@code line} added to the reference lines. */
    public ChartOptions withReference(ReferenceLine line) {
        List<ReferenceLine> all = new java.util.ArrayList<>(references);
        all.add(line);
        return new ChartOptions(width, height, title, smoothing, all);
    }
}
