package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron eval}: evaluate a model on tasks (nemotron-eval). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model (a model directory, an OpenAI-compatible endpoint, or the canonical self-check) on tasks.",
        subcommands = {EvalRunCommand.class, EvalBudgetSweepCommand.class, EvalTasksCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: run, budget-sweep or tasks (try 'nemotron eval --help')");
    }
}
