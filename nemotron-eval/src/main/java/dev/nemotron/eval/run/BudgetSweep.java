package dev.nemotron.eval.run;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.task.OutputType;
import dev.nemotron.eval.task.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy against the reasoning budget (the Nemotron Nano 2 paper's budget-control figure): the
 * task is run once per budget with thinking on and {@code generation.max_thinking_tokens} set to
 * it, each budget in {@code OUT/budget-B/} (its own samples file and digest, so every budget
 * resumes on its own).
 */
public final class BudgetSweep {
    private BudgetSweep() {
    }

    /** One budget's outcome. */
    public record Point(int budget, TaskResult result) {
    }

    /** The directory of one budget's run. */
    public static Path budgetDir(Path out, int budget) {
        return out.resolve("budget-" + budget);
    }

    /**
     * Runs {@code task} at every budget, in the order given.
     *
     * @throws NemotronException for a task that does not generate chat replies, a negative or
     *     repeated budget, or a failing run
     */
    public static List<Point> run(EvalModel model, TaskSpec task, List<Integer> budgets, Path out, RunOptions options,
                                  EvalPlugins plugins, RunListener listener) {
        if (task.output() != OutputType.GENERATE_UNTIL || !task.prompt().chat()) {
            throw new NemotronException(task.name() + ": a budget sweep needs a generate_until task with a chat prompt"
                    + " (the budget limits the reasoning of a chat reply)");
        }
        if (budgets.isEmpty()) {
            throw new NemotronException("budget sweep: give at least one budget");
        }
        if (budgets.stream().distinct().count() != budgets.size()) {
            throw new NemotronException("budget sweep: budgets must be distinct, got " + budgets);
        }
        List<Point> points = new ArrayList<>();
        for (int b : budgets) {
            if (b < 0) {
                throw new NemotronException("budget sweep: budgets must be >= 0, got " + b);
            }
        }
        for (int b : budgets) {
            TaskSpec at = task.with("generation.thinking", BooleanNode.TRUE).with("generation.max_thinking_tokens", IntNode.valueOf(b));
            EvalRunner runner = new EvalRunner(model, budgetDir(out, b), options, plugins, listener);
            points.add(new Point(b, runner.run(at)));
        }
        return points;
    }
}
