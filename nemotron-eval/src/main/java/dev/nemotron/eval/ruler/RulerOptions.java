package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import java.util.List;
import java.util.Objects;

/**
 * How samples are generated.
 *
 * @param essay               the text of the essay haystack; {@code null} for the bundled <i>Moby-Dick</i>
 * @param format              how input and answer prefix become the counted prompt
 * @param reserveAnswerTokens whether the target length also holds the task's answer budget
 *                            ({@link RulerTask#tokensToGenerate()}), as RULER's does: then prompt
 *                            tokens + budget is what lands in the window, else the prompt alone
 * @param tolerance           how far below the target the length may land, as a fraction (RULER
 *                            lands within one filler step; here 0.02 by default); never above it
 * @param depths              needle depths as fractions in [0, 1]: empty for RULER's random
 *                            choice, one for all needles, or one per needle
 */
public record RulerOptions(HaystackText essay, PromptFormat format, boolean reserveAnswerTokens, double tolerance,
                           List<Double> depths) {
    /** The default tolerance: within 2% below the target. */
    public static final double DEFAULT_TOLERANCE = 0.02;

    public RulerOptions {
        Objects.requireNonNull(format, "format");
        depths = depths == null ? List.of() : List.copyOf(depths);
        if (!(tolerance > 0 && tolerance < 0.5)) {
            throw new NemotronException("RULER length tolerance must be in (0, 0.5), got " + tolerance);
        }
        for (double d : depths) {
            if (!(d >= 0 && d <= 1)) {
                throw new NemotronException("needle depth " + d + " is not a fraction in [0, 1]");
            }
        }
    }

    /** Bundled <i>Moby-Dick</i>, plain prompts, answer budget reserved, 2% tolerance, RULER's random depths. */
    public static RulerOptions defaults() {
        return new RulerOptions(null, PromptFormat.plain(), true, DEFAULT_TOLERANCE, List.of());
    }

    /** The essay haystack to use: {@link #essay()} or the bundled <i>Moby-Dick</i>. */
    public HaystackText essayText() {
        return essay != null ? essay : HaystackText.mobyDick();
    }

    public RulerOptions withEssay(HaystackText newEssay) {
        return new RulerOptions(newEssay, format, reserveAnswerTokens, tolerance, depths);
    }

    public RulerOptions withFormat(PromptFormat newFormat) {
        return new RulerOptions(essay, newFormat, reserveAnswerTokens, tolerance, depths);
    }

    public RulerOptions withReserveAnswerTokens(boolean reserve) {
        return new RulerOptions(essay, format, reserve, tolerance, depths);
    }

    public RulerOptions withTolerance(double newTolerance) {
        return new RulerOptions(essay, format, reserveAnswerTokens, newTolerance, depths);
    }

    public RulerOptions withDepths(List<Double> newDepths) {
        return new RulerOptions(essay, format, reserveAnswerTokens, tolerance, newDepths);
    }
}
