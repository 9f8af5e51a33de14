package dev.nemotron.eval.code.task;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.code.humaneval.CheckResult;
import dev.nemotron.eval.code.humaneval.CodeProblem;
import dev.nemotron.eval.code.humaneval.CodeTaskChecker;
import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.metric.Judgement;
import dev.nemotron.eval.metric.Metric;
import dev.nemotron.eval.metric.SampleView;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/** One task's {@code code_exec} metric: at most {@code parallel} sandbox runs at once, whatever the runner's concurrency. */
final class CodeExecMetric implements Metric {
    private final Supplier<CodeTaskChecker> checker;
    private final CodeLanguage language;
    private final Semaphore slots;

    CodeExecMetric(Supplier<CodeTaskChecker> checker, CodeLanguage language, int parallel) {
        this.checker = checker;
        this.language = language;
        this.slots = new Semaphore(parallel, true);
    }

    @Override
    public double score(SampleView sample) {
        return judge(sample).score();
    }

    /** 1 or 0, with the reason: {@code passed}, or the status and why ({@code timeout: killed at ...}). */
    @Override
    public Judgement judge(SampleView sample) {
        CodeProblem problem = CodeDocs.problem(sample.doc(), language);
        String answer = sample.prediction() != null ? sample.prediction()
                : sample.completion() == null ? "" : sample.completion().text();
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NemotronException("interrupted while waiting to run " + problem.taskId());
        }
        CheckResult r;
        try {
            r = checker.get().check(problem, answer);
        } finally {
            slots.release();
        }
        return new Judgement(r.passed() ? 1 : 0, reason(r));
    }

    static String reason(CheckResult r) {
        return r.passed() ? "passed" : r.status().name().toLowerCase(Locale.ROOT) + ": " + r.reason();
    }
}
