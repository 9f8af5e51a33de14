package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nemotron align}: alignment data tools (on-policy preference pairs). */
@Command(name = "align", mixinStandardHelpOptions = true,
        description = "Alignment data: sample on-policy answers, score them with a reward, write preference pairs.",
        subcommands = {AlignMakePairsCommand.class})
public final class AlignCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec);
    }
}
