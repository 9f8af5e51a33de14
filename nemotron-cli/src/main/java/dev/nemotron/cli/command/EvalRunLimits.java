package dev.nemotron.cli.command;

import dev.nemotron.eval.run.RunOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How much of a task an eval command runs and how many samples at once (a picocli mixin). */
final class EvalRunLimits {
    @Option(names = "--limit", paramLabel = "N", description = "Only the first N problems of each task.")
    Integer limit;

    @Option(names = "--repeats", paramLabel = "K", description = "Samples per problem (avg@k, pass@k), overriding the task's.")
    Integer repeats;

    @Option(names = "--concurrency", paramLabel = "C", description = "Samples in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency = 8;

    /** @throws ParameterException when a value is below 1 */
    void check(CommandSpec spec) {
        if (concurrency < 1 || (limit != null && limit < 1) || (repeats != null && repeats < 1)) {
            throw new ParameterException(spec.commandLine(), "--concurrency, --limit and --repeats must be >= 1");
        }
    }

    RunOptions runOptions() {
        return RunOptions.defaults().withConcurrency(concurrency).withLimit(limit == null ? 0 : limit);
    }
}
