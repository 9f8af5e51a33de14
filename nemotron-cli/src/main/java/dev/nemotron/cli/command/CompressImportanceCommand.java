package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.compress.importance.CalibrationSet;
import dev.nemotron.compress.importance.ImportanceChart;
import dev.nemotron.compress.importance.ImportanceEstimator;
import dev.nemotron.compress.importance.ImportanceReport;
import dev.nemotron.train.autodiff.activation.ActivationStatistics.Aggregation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron compress importance}: Minitron's forward-only importance of layers, hidden
 * channels, MLP neurons, Mamba-2 heads and attention heads over calibration data, written as JSON
 * with charts; prints a short summary.
 */
@Command(name = "importance", mixinStandardHelpOptions = true,
        description = "Estimate the importance of layers, hidden channels, MLP neurons and Mamba-2/attention heads (forward only).")
public final class CompressImportanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", converter = ModelDirectoryOption.class, description = "The model directory.")
    Path model;

    @Option(names = "--calibration", required = true, paramLabel = "DATA",
            description = "A token dataset directory, a .jsonl file or a text file (tokenised with the model's tokenizer).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "The report (charts are written beside it).")
    Path out;

    @Option(names = "--field", paramLabel = "NAME", description = "The text field of JSONL records (default: text).")
    String field = "text";

    @Option(names = "--samples", paramLabel = "N", description = "Calibration sequences (default: 1024).")
    int samples = CalibrationSet.DEFAULT_SAMPLES;

    @Option(names = "--seq-len", paramLabel = "L", description = "Tokens per sequence (default: 256).")
    int seqLen = CalibrationSet.DEFAULT_SEQ_LEN;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the calibration draw (default: 0).")
    long seed;

    @Option(names = "--no-layers", description = "Skip depth (layer removal), the costly part.")
    boolean noLayers;

    @Option(names = "--rank-by", paramLabel = "AGG", description = "Batch aggregation the rankings use: ${COMPLETION-CANDIDATES} (default: L2).")
    Aggregation rankBy = Aggregation.L2;

    @Override
    public Integer call() {
        CalibrationSet.Spec cal = new CalibrationSet.Spec(data, field, samples, seqLen, seed);
        ImportanceReport report = ImportanceEstimator.estimate(model, cal,
                new ImportanceEstimator.Options(!noLayers, Integer.MAX_VALUE, rankBy), m -> spec.commandLine().getErr().println(m));
        report.write(out);
        ObjectNode o = Json.object();
        o.put("out", out.toAbsolutePath().toString());
        ArrayNode charts = o.putArray("charts");
        ImportanceChart.write(report, out).forEach(p -> charts.add(p.toString()));
        o.put("calibration", cal.describe());
        if (report.layers() != null) {
            ArrayNode order = o.putArray("layer_removal_order");
            for (int i : report.layers().removalOrder()) {
                order.add(i);
            }
        }
        Json.print(spec.commandLine().getOut(), o);
        return 0;
    }
}
