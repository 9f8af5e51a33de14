package dev.nemotron.cli;

import picocli.CommandLine;

/** Entry point of {@code nemotron}: {@code java -m dev.nemotron.cli/dev.nemotron.cli.Main}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 success, 1 failure, 2 bad usage or input). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new NemotronCommand());
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }
}
