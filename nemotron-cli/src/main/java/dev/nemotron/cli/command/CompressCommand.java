package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nemotron compress}: Minitron-style importance estimation, pruning and architecture search. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Compress a model: importance estimation, depth/width pruning, architecture search under a memory budget.",
        subcommands = {
            CompressImportanceCommand.class,
            CompressPruneCommand.class,
        })
public final class CompressCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec);
    }
}
