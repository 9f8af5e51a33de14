package dev.nemotron.cli.command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The usage error of a parent command run without a subcommand: names the subcommands it has. */
public final class MissingSubcommand {
    private MissingSubcommand() {
    }

    /** {@code missing subcommand: one of a, b, c} (the visible ones, in declaration order). */
    public static ParameterException of(CommandSpec spec) {
        String names = String.join(", ", spec.subcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                .map(java.util.Map.Entry::getKey).filter(n -> !n.equals("help")).distinct().toList());
        return new ParameterException(spec.commandLine(), "missing subcommand: one of " + names);
    }
}
