package dev.nemotron.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** One in-process run of the CLI, with what it printed. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The golden fixtures, kept once in nemotron-arch's test resources. */
    static Path fixture(String name) {
        return Path.of("../nemotron-arch/src/test/resources/fixtures", name).toAbsolutePath().normalize();
    }

    static Path repoRoot() {
        return Path.of("..").toAbsolutePath().normalize();
    }
}
