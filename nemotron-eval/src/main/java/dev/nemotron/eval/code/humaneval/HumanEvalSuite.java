package dev.nemotron.eval.code.humaneval;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.eval.code.sandbox.Sandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a benchmark: one completion per problem, checked in the sandbox, {@code parallel} at a time.
 *
 * <p>{@link #canonical} checks the reference solutions — a self-check of the sandbox and the
 * harness, which must pass 164/164 on both HumanEval and HumanEval-X Java.
 */
public final class HumanEvalSuite {
    private HumanEvalSuite() {
    }

    /** The default parallelism: the number of cores, at most 4 (each Java check starts two JVMs). */
    public static int defaultParallelism() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Checks the canonical solutions of {@code benchmark}.
     *
     * @param limit    the first {@code limit} problems only ({@code <= 0}: all)
     * @param parallel checks at a time
     */
    public static SuiteReport canonical(CodeBenchmark benchmark, Sandbox sandbox, int limit, int parallel) {
        return canonical(benchmark, new CodeTaskChecker(sandbox), limit, parallel, r -> { });
    }

    /** As {@link #canonical(CodeBenchmark, Sandbox, int, int)}, with a checker and a listener called per result. */
    public static SuiteReport canonical(CodeBenchmark benchmark, CodeTaskChecker checker, int limit, int parallel,
            Consumer<CheckResult> listener) {
        List<CodeProblem> problems = benchmark.problems();
        if (limit > 0 && limit < problems.size()) {
            problems = problems.subList(0, limit);
        }
        return evaluate(benchmark.id(), problems, CodeProblem::canonicalSolution, checker, parallel, listener);
    }

    /**
     * Checks {@code completions.apply(problem)} for every problem.
     *
     * @param listener called with each result as it arrives (from worker threads)
     */
    public static SuiteReport evaluate(String name, List<CodeProblem> problems, Function<CodeProblem, String> completions,
            CodeTaskChecker checker, int parallel, Consumer<CheckResult> listener) {
        Objects.requireNonNull(completions, "completions");
        Objects.requireNonNull(listener, "listener");
        if (parallel < 1) {
            throw new NemotronException("parallelism must be at least 1, got " + parallel);
        }
        if (!problems.isEmpty()) {
            Availability a = checker.availability(problems.getFirst().language());
            if (!a.available()) {
                throw new NemotronException("cannot run " + name + ": " + a.reason());
            }
        }
        long start = System.nanoTime();
        List<CheckResult> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<CheckResult>> futures = new ArrayList<>();
            for (CodeProblem p : problems) {
                futures.add(pool.submit(() -> {
                    CheckResult r = checker.check(p, completions.apply(p));
                    listener.accept(r);
                    return r;
                }));
            }
            for (Future<CheckResult> f : futures) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NemotronException(name + " interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NemotronException ne) {
                throw ne;
            }
            throw new IllegalStateException(name + ": a check failed unexpectedly", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new SuiteReport(name, results, Duration.ofNanos(System.nanoTime() - start), parallel);
    }
}
