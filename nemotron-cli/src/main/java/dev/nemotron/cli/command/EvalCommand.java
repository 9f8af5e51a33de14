package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron eval}: evaluation tools (math answer equivalence, rewards, RULER suites; benchmark runs as they land). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluation: check math answers for equivalence, list rewards, generate RULER long-context suites.",
        subcommands = {EvalVerifyMathCommand.class, EvalRewardsCommand.class, EvalRulerGenerateCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (try 'nemotron eval --help')");
    }
}
