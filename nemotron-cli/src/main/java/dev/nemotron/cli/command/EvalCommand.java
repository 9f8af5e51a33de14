package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron eval}: evaluation tools (math answer equivalence, rewards; benchmark tasks as they land). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluation: check math answers for equivalence, list the rewards found on the module path.",
        subcommands = {EvalVerifyMathCommand.class, EvalRewardsCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (try 'nemotron eval --help')");
    }
}
