package dev.nemotron.cli.command;

import dev.nemotron.api.NemotronException;
import dev.nemotron.cli.eval.EvalProgress;
import dev.nemotron.cli.eval.OutDirs;
import dev.nemotron.cli.output.Json;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.report.SweepReport;
import dev.nemotron.eval.run.BudgetSweep;
import dev.nemotron.eval.run.EvalPlugins;
import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.task.TaskCatalog;
import dev.nemotron.eval.task.TaskOverrides;
import dev.nemotron.eval.task.TaskSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron eval budget-sweep}: one task at several reasoning budgets
 * ({@code max_thinking_tokens}); writes {@code budget_sweep.json}, {@code budget_sweep.md} and
 * {@code budget_sweep.png} and prints the table.
 */
@Command(name = "budget-sweep", mixinStandardHelpOptions = true,
        description = "Accuracy against the thinking budget (max_thinking_tokens): the task runs once per budget with"
                + " reasoning on; writes OUT/budget_sweep.json, .md and .png (each budget's samples in OUT/budget-B/).")
public final class EvalBudgetSweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EvalModelOptions modelOptions;

    @Mixin
    EvalRunLimits limits = new EvalRunLimits();

    @Option(names = "--task", required = true, paramLabel = "NAME", description = "A built-in task (gsm8k, arithmetic, ...), a task of --task-file, or a task file.")
    String task;

    @Option(names = "--task-file", paramLabel = "FILE.yaml", description = "A task file defining --task.")
    List<Path> taskFiles = new ArrayList<>();

    @Option(names = "--budgets", required = true, split = ",", paramLabel = "B,B,...", description = "Budgets in tokens, e.g. 0,32,64,128,256.")
    List<Integer> budgets;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per completion (reasoning included), overriding the task's.")
    Integer maxTokens;

    @Option(names = "--thinking-grace", paramLabel = "N",
            description = "Tokens to wait for a newline once the budget is reached before </think> is forced, overriding the task's (engine default: 500).")
    Integer thinkingGrace;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/eval/MODEL/budget-sweep-TASK).")
    Path out;

    @Option(names = "--json", description = "Print budget_sweep.json instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        modelOptions.check(spec);
        limits.check(spec);
        List<TaskSpec> specs = TaskCatalog.resolve(List.of(task), taskFiles, Path::of,
                new TaskOverrides(limits.repeats, null, null, maxTokens, thinkingGrace));
        if (specs.size() != 1) {
            throw new NemotronException("budget-sweep runs one task, got " + specs.size());
        }
        TaskSpec t = specs.getFirst();
        RunOptions options = limits.runOptions();
        PrintWriter err = spec.commandLine().getErr();
        try (EvalModel model = modelOptions.open(limits.concurrency)) {
            Path dir = out != null ? out : OutDirs.forModel(model.id()).resolve("budget-sweep-" + t.name());
            List<BudgetSweep.Point> points = BudgetSweep.run(model, t, budgets, dir, options, EvalPlugins.discover(),
                    new EvalProgress(err, 5));
            Path file = SweepReport.write(dir, model.id(), t.name(), points);
            err.println("wrote " + file + ", " + dir.resolve(SweepReport.MD_FILE) + ", " + dir.resolve(SweepReport.PNG_FILE));
            PrintWriter stdout = spec.commandLine().getOut();
            if (json) {
                Json.print(stdout, SweepReport.json(model.id(), t.name(), points));
            } else {
                stdout.print(SweepReport.table(points));
                stdout.flush();
            }
        }
        return 0;
    }
}
