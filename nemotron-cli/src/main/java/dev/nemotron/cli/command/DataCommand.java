package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nemotron data}: token datasets (Arrow IPC shards) for pretraining. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Token datasets for pretraining: tokenise text or JSONL into Arrow shards, inspect a dataset, generate synthetic data.",
        subcommands = {DataTokenizeCommand.class, DataInspectCommand.class, DataSynthArithmeticCommand.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec);
    }
}
