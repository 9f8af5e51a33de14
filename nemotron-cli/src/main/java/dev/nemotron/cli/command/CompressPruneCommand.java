package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.prune.PruneReport;
import dev.nemotron.compress.prune.PruneTargets;
import dev.nemotron.compress.prune.Pruning;
import dev.nemotron.compress.prune.Rankings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron compress prune}: depth and width pruning to a new HF model directory, keeping
 * what activation importance over {@code --calibration} data ranks highest, or, without data, the
 * largest weights. Prints one JSON object saying which ranking was used.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Prune a model (layers, hidden channels, MLP neurons, Mamba-2 heads) to a new model directory.")
public final class CompressPruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", converter = ModelDirectoryOption.class,
            description = "The model directory to prune.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The pruned model's directory (new or empty).")
    Path out;

    @Option(names = "--num-layers", paramLabel = "N", description = "Layers to keep (depth pruning).")
    Integer numLayers;

    @Option(names = "--hidden-size", paramLabel = "H", description = "Hidden (embedding) channels to keep.")
    Integer hiddenSize;

    @Option(names = "--intermediate-size", paramLabel = "F", description = "Neurons to keep in every MLP layer.")
    Integer intermediateSize;

    @Option(names = "--mamba-num-heads", paramLabel = "M",
            description = "Heads to keep in every Mamba-2 layer (a multiple of n_groups; the same number per group).")
    Integer mambaNumHeads;

    @Mixin
    CalibrationOptions calibration;

    @Option(names = "--shard-size", paramLabel = "BYTES",
            description = "Largest safetensors shard in bytes (default: 4 GiB).")
    long shardBytes = ModelFiles.DEFAULT_SHARD_BYTES;

    @Override
    public Integer call() {
        if (shardBytes < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--shard-size must be positive");
        }
        PruneTargets targets = new PruneTargets(numLayers, hiddenSize, intermediateSize, mambaNumHeads);
        Rankings rankings = calibration.rankings(spec, model, targets);
        Pruning.Outcome o = Pruning.prune(model, targets, rankings, out, shardBytes);
        ObjectNode json = PruneReport.json(o, calibration.describe());
        Json.print(spec.commandLine().getOut(), json);
        return 0;
    }
}
