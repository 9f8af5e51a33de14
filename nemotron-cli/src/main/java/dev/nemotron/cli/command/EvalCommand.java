package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron eval}: evaluation. For now the code sandbox's self-check. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate models: benchmarks, metrics and the code-execution sandbox.",
        subcommands = {EvalCodeSelfcheckCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: code-selfcheck (try 'nemotron eval --help')");
    }
}
