package dev.nemotron.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nemotron eval}: evaluate a model on tasks, check math answers, list rewards, generate RULER suites (nemotron-eval). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model (a model directory, an OpenAI-compatible endpoint, or the canonical self-check) on tasks; "
                + "check math answers for equivalence; list rewards; generate RULER long-context suites; self-check the code sandbox.",
        subcommands = {EvalRunCommand.class, EvalBudgetSweepCommand.class, EvalTasksCommand.class, EvalVerifyMathCommand.class,
            EvalRewardsCommand.class, EvalRulerGenerateCommand.class, EvalCodeSelfcheckCommand.class,
            EvalPerplexityCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec);
    }
}
