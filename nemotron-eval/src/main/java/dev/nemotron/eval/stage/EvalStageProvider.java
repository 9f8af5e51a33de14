package dev.nemotron.eval.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageSpec;
import java.util.List;

/**
 * The {@code eval} pipeline stage: the input model (or, with {@code canonical: true}, the
 * self-check model) evaluated on tasks, as {@code nemotron eval run} does, into the stage's
 * directory ({@code samples_TASK.jsonl}, {@code results.json}, {@code report.md},
 * {@code accuracy.png}); no new model. A failed or interrupted attempt resumes from its samples.
 *
 * <p>Parameters: {@code tasks} (required: built-in task names or task files relative to the spec),
 * {@code limit}, {@code repeats}, {@code num_fewshot}, {@code max_tokens},
 * {@code max_thinking_tokens}, {@code concurrency} (default 8), {@code backend},
 * {@code canonical}, {@code tokenizer} and {@code ruler_length} (generated long-context tasks:
 * the tokenizer their length is counted in, default the input model's; the target length in
 * tokens). Summary: {@code results}, {@code report}, and per task its primary metric
 * under the task's name.
 *
 * <pre>
 * - {name: eval, type: eval, tasks: [arithmetic, gsm8k], limit: 100}
 * </pre>
 */
public final class EvalStageProvider implements StageProvider {
    static final List<String> FIELDS = List.of("tasks", "limit", "repeats", "num_fewshot", "max_tokens", "max_thinking_tokens",
            "concurrency", "backend", "canonical", "tokenizer", "ruler_length");

    /** The provider ({@code ServiceLoader} needs a public constructor). */
    public EvalStageProvider() {
    }

    @Override
    public String type() {
        return "eval";
    }

    @Override
    public String description() {
        return "evaluate the input model on tasks into results.json, report.md and samples files (no new model)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        List<String> tasks = p.strings("tasks");
        if (tasks.isEmpty()) {
            throw p.has("tasks") ? p.invalid("tasks", "must name at least one task") : p.missing("tasks");
        }
        Integer limit = positive(p, "limit");
        Integer repeats = positive(p, "repeats");
        Integer maxTokens = positive(p, "max_tokens");
        Integer fewshot = atLeastZero(p, "num_fewshot");
        Integer budget = atLeastZero(p, "max_thinking_tokens");
        Integer concurrency = positive(p, "concurrency");
        Integer rulerLength = positive(p, "ruler_length");
        return new EvalStage(new EvalStage.Settings(tasks, limit == null ? 0 : limit, repeats, fewshot, maxTokens, budget,
                concurrency == null ? 8 : concurrency, p.optionalString("backend").orElse(null), p.bool("canonical", false),
                p.optionalString("tokenizer").orElse(null), rulerLength));
    }

    private static Integer positive(StageParams p, String key) {
        if (!p.has(key)) {
            return null;
        }
        int v = p.integer(key);
        if (v < 1) {
            throw p.invalid(key, "must be >= 1, got " + v);
        }
        return v;
    }

    private static Integer atLeastZero(StageParams p, String key) {
        if (!p.has(key)) {
            return null;
        }
        int v = p.integer(key);
        if (v < 0) {
            throw p.invalid(key, "must be >= 0, got " + v);
        }
        return v;
    }
}
