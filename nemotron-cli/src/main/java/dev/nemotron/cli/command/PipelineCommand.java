package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nemotron pipeline}: run a multi-stage spec (pretrain → ... → generate) and list the stage types. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Run the stages of a JSON or YAML pipeline spec in order, skipping completed ones; list the stage types.",
        subcommands = {PipelineRunCommand.class, PipelineStagesCommand.class})
public final class PipelineCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec);
    }
}
