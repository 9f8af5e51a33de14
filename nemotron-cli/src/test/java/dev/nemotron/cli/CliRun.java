package dev.nemotron.cli;

import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.cli.command.PipelineRunCommand;
import dev.nemotron.cli.command.PipelineStagesCommand;
import dev.nemotron.pipeline.StageRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** One in-process run of the CLI, with what it printed. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * A run whose pipeline commands see exactly {@code stages} as stage types (the test module
     * path patches test classes into dev.nemotron.cli, where META-INF/services entries are not
     * read, so test stage providers are handed over through picocli's factory).
     */
    static CliRun withStages(List<? extends StageProvider> stages, String... args) {
        StageRegistry registry = StageRegistry.of(stages);
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == PipelineRunCommand.class) {
                    return cls.cast(new PipelineRunCommand(registry));
                }
                if (cls == PipelineStagesCommand.class) {
                    return cls.cast(new PipelineStagesCommand(registry));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), factory, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The golden fixtures, kept once in nemotron-arch's test resources. */
    static Path fixture(String name) {
        return dev.nemotron.testing.Fixtures.root().resolve(name).toAbsolutePath().normalize();
    }

    static Path repoRoot() {
        return Path.of("..").toAbsolutePath().normalize();
    }
}
