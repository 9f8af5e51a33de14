package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron eval}: evaluation data sets and runs. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluation: generate RULER long-context suites.",
        subcommands = {EvalRulerGenerateCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: ruler-generate (try 'nemotron eval --help')");
    }
}
