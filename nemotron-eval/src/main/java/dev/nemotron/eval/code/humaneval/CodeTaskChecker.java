package dev.nemotron.eval.code.humaneval;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.code.lang.JavaRunner;
import dev.nemotron.eval.code.lang.LanguageRunner;
import dev.nemotron.eval.code.lang.PythonRunner;
import dev.nemotron.eval.code.sandbox.ExecutionResult;
import dev.nemotron.eval.code.sandbox.ExecutionStatus;
import dev.nemotron.eval.code.sandbox.Sandbox;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a completion of a {@link CodeProblem}: builds the program as the official harness does
 * ({@link HumanEvalProgram}), runs it in the sandbox and says whether it passed and why not.
 * Thread-safe; checks may run in parallel.
 */
public final class CodeTaskChecker {
    private static final int REASON_CHARS = 300;

    private final Map<CodeLanguage, LanguageRunner> runners;

    /** A checker with the default runners (and limits) of each language. */
    public CodeTaskChecker(Sandbox sandbox) {
        this(Map.of(CodeLanguage.PYTHON, new PythonRunner(sandbox), CodeLanguage.JAVA, new JavaRunner(sandbox)));
    }

    /** A checker with the given runner per language. */
    public CodeTaskChecker(Map<CodeLanguage, LanguageRunner> runners) {
        this.runners = new EnumMap<>(Objects.requireNonNull(runners, "runners"));
    }

    /** Whether problems of {@code language} can be checked here, and with which toolchain. */
    public Availability availability(CodeLanguage language) {
        LanguageRunner r = runners.get(language);
        return r == null ? Availability.unavailable("no runner for " + language.id()) : r.availability();
    }

    /**
     * Runs {@code completion} against the problem's tests.
     *
     * @throws NemotronException when the language cannot run here (no sandbox or toolchain): the
     *                           completion was not judged, which is not the same as failing
     */
    public CheckResult check(CodeProblem problem, String completion) {
        LanguageRunner runner = runners.get(problem.language());
        Availability a = availability(problem.language());
        if (runner == null || !a.available()) {
            throw new NemotronException("cannot check " + problem.taskId() + ": " + a.reason());
        }
        ExecutionResult r = runner.run(HumanEvalProgram.of(problem, completion));
        return new CheckResult(problem.taskId(), r.passed(), r.status(), reason(r), r);
    }

    static String reason(ExecutionResult r) {
        if (r.passed()) {
            return "passed";
        }
        String why = r.detail();
        if (r.status() == ExecutionStatus.FAILED && r.stderr().contains(JavaRunner.COMPILE_FAILED)) {
            why = "compilation failed" + r.stderr().lines().filter(l -> l.contains("error:")).findFirst()
                    .map(l -> ": " + l.substring(l.indexOf("error:") + 6).strip()).orElse("");
        } else if (r.status() == ExecutionStatus.FAILED) {
            // Java: the uncaught exception's line; Python: the traceback's last line
            String line = r.stderr().lines().filter(l -> l.startsWith("Exception in thread")).findFirst()
                    .orElse(r.lastStderrLine());
            why += line.isEmpty() ? "" : ": " + line.strip();
        }
        return why.length() <= REASON_CHARS ? why : why.substring(0, REASON_CHARS) + "...";
    }
}
