package dev.nemotron.cli.command;

import dev.nemotron.api.NemotronException;
import dev.nemotron.cli.eval.EvalProgress;
import dev.nemotron.cli.eval.OutDirs;
import dev.nemotron.cli.output.Json;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.report.MarkdownReport;
import dev.nemotron.eval.report.ReportWriter;
import dev.nemotron.eval.report.ResultsJson;
import dev.nemotron.eval.run.EvalPlugins;
import dev.nemotron.eval.run.EvalRunner;
import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.run.TaskResult;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron eval run}: tasks against a model; samples in {@code OUT/samples_TASK.jsonl} as
 * they finish (a rerun resumes), then {@code results.json}, {@code report.md} and
 * {@code accuracy.png}; the metrics table (or JSON) on stdout.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Evaluate a model on tasks. Finished samples are kept in OUT/samples_TASK.jsonl, so a rerun resumes;"
                + " writes OUT/results.json, OUT/report.md and OUT/accuracy.png.")
public final class EvalRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EvalModelOptions modelOptions;

    @Mixin
    EvalRunLimits limits = new EvalRunLimits();

    @Option(names = "--tasks", split = ",", paramLabel = "NAME,...", description = "Built-in tasks (see 'nemotron eval tasks'), tasks of --task-file, or task file paths.")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--task-file", paramLabel = "FILE.yaml", description = "A task file (YAML or JSON); repeatable. Without --tasks, all of them run.")
    List<Path> taskFiles = new ArrayList<>();

    @Option(names = "--num-fewshot", paramLabel = "N", description = "Few-shot examples, overriding the task's.")
    Integer fewshot;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per completion, overriding the task's.")
    Integer maxTokens;

    @Option(names = "--max-thinking-tokens", paramLabel = "N", description = "Reasoning budget, overriding the task's.")
    Integer maxThinkingTokens;

    @Option(names = "--tokenizer", paramLabel = "FILE_OR_DIR", description = "Tokenizer (tokenizer.json or a model directory) that"
            + " generated long-context tasks (RULER) count their length in (default: the --model DIR's; else words).")
    Path tokenizer;

    @Option(names = "--ruler-length", paramLabel = "TOKENS", description = "Target length of generated long-context tasks"
            + " (RULER), e.g. 8192 or 32k, overriding the task's (4096 for the built-in ruler_* tasks).")
    String rulerLength;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/eval/MODEL).")
    Path out;

    @Option(names = "--json", description = "Print results.json instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        modelOptions.check(spec);
        limits.check(spec);
        if (tasks.isEmpty() && taskFiles.isEmpty()) {
            throw new NemotronException("no task: give --tasks NAME,... (see 'nemotron eval tasks') or --task-file FILE");
        }
        List<TaskSpec> specs = TaskCatalog.resolve(tasks, taskFiles, Path::of,
                new TaskOverrides(limits.repeats, fewshot, maxThinkingTokens, maxTokens, null)
                        .withTokenLength(tokenizerPath(), rulerLength == null ? null : tokens(rulerLength)));
        RunOptions options = limits.runOptions();
        PrintWriter err = spec.commandLine().getErr();
        try (EvalModel model = modelOptions.open(limits.concurrency)) {
            Path dir = out != null ? out : OutDirs.forModel(model.id());
            EvalRunner runner = new EvalRunner(model, dir, options, EvalPlugins.discover(), new EvalProgress(err, 5));
            List<TaskResult> results = runner.run(specs);
            ReportWriter.Written w = ReportWriter.write(dir, model.id(), options, results);
            err.println("wrote " + w.results() + ", " + w.report() + ", " + w.chart());
            PrintWriter stdout = spec.commandLine().getOut();
            if (json) {
                Json.print(stdout, ResultsJson.of(model.id(), options, results, dir));
            } else {
                stdout.print(MarkdownReport.table(results));
                stdout.flush();
            }
        }
        return 0;
    }

    /** The tokenizer of generated long-context tasks: --tokenizer, else the model directory's, else none (words). */
    private String tokenizerPath() {
        Path p = tokenizer != null ? tokenizer
                : modelOptions.model != null && !modelOptions.model.equals(EvalModelOptions.CANONICAL) ? Path.of(modelOptions.model)
                : null;
        return p == null ? null : p.toAbsolutePath().normalize().toString();
    }

    private int tokens(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,7})([kK]?)").matcher(text.strip());
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
            throw new ParameterException(spec.commandLine(), "--ruler-length must be a number of tokens such as 8192 or 32k, got '"
                    + text + "'");
        }
        return Integer.parseInt(m.group(1)) * (m.group(2).isEmpty() ? 1 : 1024);
    }
}
