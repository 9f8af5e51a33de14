package dev.nemotron.cli.command;

import dev.nemotron.arch.model.RunOptions;
import picocli.CommandLine.Option;

/**
 * {@code --weights} and {@code --kv-cache}: how a model run on the host (the Java backend's
 * kernels) holds its projection weights and its KV cache ({@link RunOptions}). One mixin for
 * every command that runs a model: {@code bench}, {@code generate}, {@code chat}, {@code serve},
 * {@code eval run}, {@code eval budget-sweep}.
 */
final class HostRunOptions {
    @Option(names = "--weights", paramLabel = "stored|q8_0",
            description = "Java backends: projection weights as stored (default) or quantized to Q8_0 at load.")
    String weights;

    @Option(names = "--kv-cache", paramLabel = "f32|bf16",
            description = "Java backends: KV cache element type (default: f32; bf16 halves it).")
    String kvCache;

    /** Whether either option was given. */
    boolean given() {
        return weights != null || kvCache != null;
    }

    /**
     * The parsed options.
     *
     * @throws dev.nemotron.api.NemotronException naming the option and its accepted values
     */
    RunOptions toRunOptions() {
        return new RunOptions(RunOptions.parseWeights(weights), RunOptions.parseKvCache(kvCache));
    }
}
