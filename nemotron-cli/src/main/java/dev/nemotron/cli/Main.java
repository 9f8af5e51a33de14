package dev.nemotron.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of {@code nemotron}: {@code java -m dev.nemotron.cli/dev.nemotron.cli.Main}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line on stdout/stderr and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line and returns its exit code: 0 success, 2 bad usage or bad input (one
     * line on {@code err}), 1 an internal error.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, CommandLine.defaultFactory(), args);
    }

    /**
     * As {@link #run(PrintWriter, PrintWriter, String...)}, with the commands made by {@code factory}
     * (tests give a command its collaborators this way, e.g. a pipeline run its stage types).
     */
    static int run(PrintWriter out, PrintWriter err, CommandLine.IFactory factory, String... args) {
        CommandLine cl = new CommandLine(new NemotronCommand(), factory);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setParameterExceptionHandler(new UsageErrorReporter());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }
}
