package dev.nemotron.eval.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.eval.model.CanonicalEvalModel;
import dev.nemotron.eval.model.EngineEvalModel;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.report.ReportWriter;
import dev.nemotron.eval.run.EvalPlugins;
import dev.nemotron.eval.run.EvalRunner;
import dev.nemotron.eval.run.RunListener;
import dev.nemotron.eval.run.RunOptions;
import dev.nemotron.eval.run.TaskResult;
import dev.nemotron.eval.task.TaskCatalog;
import dev.nemotron.eval.task.TaskOverrides;
import dev.nemotron.eval.task.TaskSpec;
import dev.nemotron.infer.engine.EngineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A configured {@code eval} stage (see {@link EvalStageProvider}). */
final class EvalStage implements Stage {
    /** The checked parameters. */
    record Settings(List<String> tasks, int limit, Integer repeats, Integer fewshot, Integer maxTokens, Integer maxThinkingTokens,
                    int concurrency, String backend, boolean canonical, String tokenizer, Integer rulerLength) {
    }

    private final Settings s;

    EvalStage(Settings s) {
        this.s = s;
    }

    /**
     * The tokenizer generated long-context tasks (RULER) count their length in: the
     * {@code tokenizer} parameter, else the input model's (as {@code eval run --model DIR}), else
     * none (words, the canonical model).
     */
    private String tokenizerPath(StageContext ctx) {
        Path p = s.tokenizer() != null ? ctx.resolve(s.tokenizer()) : s.canonical() ? null : ctx.requireInputModel();
        return p == null ? null : p.toAbsolutePath().normalize().toString();
    }

    @Override
    public StageResult run(StageContext ctx) {
        List<TaskSpec> tasks = TaskCatalog.resolve(s.tasks(), List.of(), ctx::resolve,
                new TaskOverrides(s.repeats(), s.fewshot(), s.maxThinkingTokens(), s.maxTokens(), null)
                        .withTokenLength(tokenizerPath(ctx), s.rulerLength()));
        RunOptions options = RunOptions.defaults().withConcurrency(s.concurrency()).withLimit(s.limit());
        RunListener progress = new RunListener() {
            @Override
            public void taskStarted(String task, int total, int resumed) {
                ctx.progress(task + ": " + total + " samples" + (resumed > 0 ? ", " + resumed + " already done" : ""));
            }

            @Override
            public void taskFinished(TaskResult r) {
                ctx.progress(String.format(Locale.ROOT, "%s: %s = %.4f", r.task(), r.primaryMetric(), r.primary().value()));
            }
        };
        try (EvalModel model = s.canonical() ? new CanonicalEvalModel() : EngineEvalModel.load(ctx.requireInputModel(),
                s.backend(), new EngineConfig(s.concurrency(), Math.max(256, s.concurrency()),
                EngineConfig.defaults().cacheBudgetBytes()))) {
            List<TaskResult> results = new EvalRunner(model, ctx.workDir(), options, EvalPlugins.discover(), progress).run(tasks);
            ReportWriter.Written w = ReportWriter.write(ctx.workDir(), model.id(), options, results);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("results", w.results().toAbsolutePath().toString());
            summary.put("report", w.report().toAbsolutePath().toString());
            for (TaskResult r : results) {
                summary.put(r.task().replaceAll("[^A-Za-z0-9_-]", "_"), r.primary().value());
            }
            return StageResult.of(summary);
        }
    }
}
