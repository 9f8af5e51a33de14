package dev.nemotron.eval.code.task;

import dev.nemotron.eval.code.humaneval.CodeTaskChecker;
import dev.nemotron.eval.code.humaneval.HumanEvalSuite;
import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.code.sandbox.Sandbox;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.metric.Metric;
import dev.nemotron.eval.metric.MetricProvider;
import dev.nemotron.eval.task.OutputType;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The metric {@code code_exec}: runs the sample's answer with the problem's tests in the code
 * sandbox and scores 1 when every test passes, else 0 (failed assertion, compile error, timeout,
 * memory or output limit). The program is built as the official harnesses build it
 * ({@link dev.nemotron.eval.code.humaneval.HumanEvalProgram}): HumanEval {@code prompt + answer +
 * test + check(entry_point)}, HumanEval-X Java {@code prompt + answer + test}. The answer is the
 * filtered prediction (the completion itself when the task has no filters).
 *
 * <pre>
 * metrics:
 *   - name: code_exec
 *     language: java          # optional: else each problem's 'language' field
 *     parallel: 2             # optional: sandbox runs at once (default: cores, at most 4)
 *     aggregations: [pass@all]   # pass@1 ... pass@repeats
 * </pre>
 *
 * A language that cannot run here (no sandbox, no toolchain) stops the run with the reason: the
 * sample was not judged, which is not the same as failing.
 */
public final class CodeExecMetricProvider implements MetricProvider {
    private final Supplier<CodeTaskChecker> checker;

    /** The provider with the machine's sandbox ({@link Sandbox#create()}, probed when the first sample is scored). */
    public CodeExecMetricProvider() {
        this(new Supplier<>() {
            private volatile CodeTaskChecker made;

            @Override
            public synchronized CodeTaskChecker get() {
                if (made == null) {
                    made = new CodeTaskChecker(Sandbox.create());
                }
                return made;
            }
        });
    }

    /** The provider with a given checker (tests, embedding applications). */
    public CodeExecMetricProvider(Supplier<CodeTaskChecker> checker) {
        this.checker = checker;
    }

    @Override
    public String name() {
        return "code_exec";
    }

    @Override
    public Set<OutputType> outputs() {
        return Set.of(OutputType.GENERATE_UNTIL);
    }

    @Override
    public String description() {
        return "1 if the answer passes the problem's tests in the code sandbox (HumanEval, HumanEval-X Java);"
                + " use with aggregations pass@K or pass@all (docs/eval-code.md)";
    }

    @Override
    public Metric create(Fields options) {
        options.allowOnly("language", "parallel");
        String lang = options.string("language", null);
        CodeLanguage language = null;
        if (lang != null) {
            try {
                language = CodeLanguage.parse(lang);
            } catch (dev.nemotron.api.NemotronException e) {
                throw new dev.nemotron.api.NemotronException(options.at("language") + ": " + e.getMessage());
            }
        }
        int parallel = options.intAtLeast("parallel", 1, HumanEvalSuite.defaultParallelism());
        return new CodeExecMetric(checker, language, parallel);
    }
}
