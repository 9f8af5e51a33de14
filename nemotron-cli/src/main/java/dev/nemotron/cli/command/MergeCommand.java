package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.merge.MergeMethod;
import dev.nemotron.compress.merge.ModelMerger;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron merge}: two checkpoints of one architecture into one (linear interpolation, task
 * arithmetic against a base, per-tensor SLERP), streamed tensor by tensor.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge two models of one architecture: linear interpolation (default), task arithmetic or SLERP.")
public final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", converter = ModelDirectoryOption.class,
            description = "A model directory; give exactly two: A then B (alpha = 0 gives A, alpha = 1 gives B).")
    List<Path> models;

    @Option(names = "--alpha", paramLabel = "A", description = "The weight of B, in [0, 1] (default: 0.5).")
    double alpha = 0.5;

    @Option(names = "--method", paramLabel = "M", description = "linear, task-arithmetic or slerp (default: linear).")
    String method = "linear";

    @Option(names = "--base", paramLabel = "DIR", converter = ModelDirectoryOption.class,
            description = "The model A and B were fine-tuned from (task arithmetic).")
    Path base;

    @Option(names = "--scale", paramLabel = "L", description = "Task arithmetic: the scale of the combined task vector (default: 1).")
    double scale = 1.0;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The merged model's directory (new or empty).")
    Path out;

    @Option(names = "--shard-size", paramLabel = "BYTES", description = "Largest safetensors shard in bytes (default: 4 GiB).")
    long shardBytes = ModelFiles.DEFAULT_SHARD_BYTES;

    @Override
    public Integer call() {
        if (models.size() != 2) {
            throw new ParameterException(spec.commandLine(), "give --model exactly twice (A and B), got " + models.size());
        }
        if (shardBytes < 1) {
            throw new ParameterException(spec.commandLine(), "--shard-size must be positive");
        }
        MergeMethod m = switch (method.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "linear" -> MergeMethod.LINEAR;
            case "task-arithmetic", "task" -> MergeMethod.TASK_ARITHMETIC;
            case "slerp" -> MergeMethod.SLERP;
            default -> throw new ParameterException(spec.commandLine(), "--method must be linear, task-arithmetic or slerp, got '"
                    + method + "'");
        };
        ModelMerger.Result r = ModelMerger.merge(new ModelMerger.Spec(models.get(0), models.get(1), base, m, alpha, scale),
                out, shardBytes);
        ObjectNode o = Json.object();
        o.put("out", r.out().toAbsolutePath().toString());
        o.put("method", m.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        o.put("alpha", alpha);
        if (m == MergeMethod.TASK_ARITHMETIC) {
            o.put("scale", scale);
        }
        o.put("tensors", r.tensors());
        o.put("copied_exactly", r.copied());
        o.put("bytes", r.bytes());
        o.put("shards", r.shards().size());
        ArrayNode notes = o.putArray("notes");
        r.notes().forEach(notes::add);
        Json.print(spec.commandLine().getOut(), o);
        return 0;
    }
}
