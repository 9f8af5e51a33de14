package dev.nemotron.cli.command;

import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.compress.importance.CalibrationSet;
import dev.nemotron.compress.importance.ImportanceEstimator;
import dev.nemotron.compress.importance.ImportanceReport;
import dev.nemotron.compress.prune.PruneTargets;
import dev.nemotron.compress.prune.Rankings;
import dev.nemotron.train.autodiff.activation.ActivationStatistics.Aggregation;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The calibration options of {@code compress prune}: rank by activation importance instead of weight magnitude. */
public final class CalibrationOptions {
    @Option(names = "--calibration", paramLabel = "DATA",
            description = "Rank by activation importance over this data: a token dataset directory, a .jsonl file or a text file "
                    + "(tokenised with the model's tokenizer). Without it (and without --importance), by weight magnitude.")
    Path data;

    @Option(names = "--importance", paramLabel = "FILE.json",
            description = "Rank by a report of 'nemotron compress importance' instead of computing one.")
    Path importance;

    @Option(names = "--field", paramLabel = "NAME", description = "The text field of --calibration JSONL records (default: text).")
    String field = "text";

    @Option(names = "--samples", paramLabel = "N", description = "Calibration sequences (default: 1024).")
    int samples = CalibrationSet.DEFAULT_SAMPLES;

    @Option(names = "--seq-len", paramLabel = "L", description = "Tokens per calibration sequence (default: 256).")
    int seqLen = CalibrationSet.DEFAULT_SEQ_LEN;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the calibration draw (default: 0).")
    long seed;

    private String detail;

    /** The rankings to prune by, or null for weight magnitude. */
    Rankings rankings(CommandSpec spec, Path model, PruneTargets targets) {
        if (data != null && importance != null) {
            throw new ParameterException(spec.commandLine(), "give --calibration or --importance, not both");
        }
        if (importance != null) {
            detail = "importance read from " + importance;
            return ImportanceReport.readRankings(importance);
        }
        if (data == null) {
            detail = "weight magnitude (no --calibration given)";
            return null;
        }
        CalibrationSet.Spec cal = new CalibrationSet.Spec(data, field, samples, seqLen, seed);
        detail = "activation importance over " + cal.describe();
        // depth pruning to N of L layers needs only the first L - N removal rounds
        int rounds = targets.numLayers() == null ? 0
                : Math.max(1, ModelDirectory.open(model).config().numLayers() - targets.numLayers());
        ImportanceEstimator.Options opts = new ImportanceEstimator.Options(targets.numLayers() != null, rounds, Aggregation.L2);
        return ImportanceEstimator.estimate(model, cal, opts, m -> spec.commandLine().getErr().println(m)).rankings();
    }

    /** What the last {@link #rankings} call ranked by, in words. */
    String describe() {
        return detail;
    }
}
