package dev.nemotron.eval.code.humaneval;

import java.time.Duration;
import java.util.List;

/**
 * The results of checking one completion per problem of a benchmark.
 *
 * @param benchmark the benchmark's name
 * @param results   one result per problem, in the benchmark's order
 * @param elapsed   wall-clock time of the whole run
 * @param parallel  how many checks ran at a time
 */
public record SuiteReport(String benchmark, List<CheckResult> results, Duration elapsed, int parallel) {
    public SuiteReport {
        results = List.copyOf(results);
    }

    public int total() {
        return results.size();
    }

    public int passed() {
        return (int) results.stream().filter(CheckResult::passed).count();
    }

    /** Passed / total (pass@1 with one sample per problem). */
    public double passRate() {
        return total() == 0 ? 0 : (double) passed() / total();
    }

    public List<CheckResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /** One line: {@code humaneval: 164/164 passed (100.0%) in 31.2 s, 2 at a time}. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%s: %d/%d passed (%.1f%%) in %.1f s, %d at a time", benchmark,
                passed(), total(), 100 * passRate(), elapsed.toMillis() / 1000.0, parallel);
    }
}
