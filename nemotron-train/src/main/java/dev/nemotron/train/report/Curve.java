package dev.nemotron.train.report;

import java.util.List;

/**
 * One series of a chart, before it meets JFreeChart (no AWT type here: AWT must not initialise
 * before {@link Headless#ensure()}).
 *
 * @param name   the legend entry
 * @param points the points, in step order (non-finite losses are left out when drawn)
 * @param style  how it is drawn
 * @param color  index into the palette (one colour per run)
 */
record Curve(String name, List<LossPoint> points, Style style, int color) {
    /** How a curve is drawn. */
    enum Style {
        /** Raw training loss per step: a thin, translucent line, not in the legend when runs are compared. */
        RAW,
        /** The EMA of the training loss: a solid line. */
        SMOOTHED,
        /** Held-out loss: points joined by a dashed line. */
        EVAL
    }

    Curve {
        points = List.copyOf(points);
    }
}
