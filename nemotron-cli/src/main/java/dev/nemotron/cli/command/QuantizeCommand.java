package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.arch.fp8.Fp8Format;
import dev.nemotron.cli.output.Json;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.quantize.Fp8CheckpointWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron quantize --fp8}: a model to an HF-style FP8 checkpoint (F8_E4M3 linear weights
 * with {@code _scale_inv} tensors and a {@code quantization_config}); docs/backend-cuda.md.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Write a model's linear weights as FP8 E4M3 with block or per-channel scales (an HF-style FP8 checkpoint).")
public final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--fp8", required = true, description = "FP8 E4M3 weights (the only format for now).")
    boolean fp8;

    @Option(names = "--block", paramLabel = "128|channel",
            description = "Scales per 128 x 128 block (default; HF's weight_block_size [128, 128]) or per output channel.")
    String block = "128";

    @Option(names = "--model", required = true, paramLabel = "DIR", converter = ModelDirectoryOption.class,
            description = "The model directory to quantise (BF16 or F32 weights).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The FP8 model's directory (new or empty).")
    Path out;

    @Option(names = "--shard-size", paramLabel = "BYTES", description = "Largest safetensors shard in bytes (default: 4 GiB).")
    long shardBytes = ModelFiles.DEFAULT_SHARD_BYTES;

    @Override
    public Integer call() {
        Fp8Format format = switch (block) {
            case "128" -> Fp8Format.BLOCKS;
            case "channel" -> Fp8Format.CHANNELS;
            default -> throw new ParameterException(spec.commandLine(), "--block must be 128 or channel, got '" + block + "'");
        };
        if (shardBytes < 1) {
            throw new ParameterException(spec.commandLine(), "--shard-size must be positive");
        }
        Fp8CheckpointWriter.Result r = Fp8CheckpointWriter.write(model, format, out, shardBytes);
        ObjectNode o = Json.object();
        o.put("out", r.out().toAbsolutePath().toString());
        o.put("format", format.label());
        o.put("quantized", r.quantized());
        o.put("copied", r.copied());
        o.put("bytes_in", r.bytesIn());
        o.put("bytes_out", r.bytesOut());
        o.put("shards", r.shards().size());
        Json.print(spec.commandLine().getOut(), o);
        return 0;
    }
}
