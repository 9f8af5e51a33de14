package dev.nemotron.eval.code.task;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.code.humaneval.CodeProblem;
import dev.nemotron.eval.code.humaneval.CodeTaskChecker;
import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.metric.Metric;
import dev.nemotron.eval.metric.SampleView;
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
        CodeProblem problem = CodeDocs.problem(sample.doc(), language);
        String answer = sample.prediction() != null ? sample.prediction()
                : sample.completion() == null ? "" : sample.completion().text();
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NemotronException("interrupted while waiting to run " + problem.taskId());
        }
        try {
            return checker.get().check(problem, answer).passed() ? 1 : 0;
        } finally {
            slots.release();
        }
    }
}
