package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.pipeline.PipelineReport;
import dev.nemotron.pipeline.PipelineRunner;
import dev.nemotron.pipeline.PipelineSpec;
import dev.nemotron.pipeline.RunOptions;
import dev.nemotron.pipeline.SpecReader;
import dev.nemotron.pipeline.StageRegistry;
import dev.nemotron.pipeline.StageReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron pipeline run SPEC}: the stages of a spec in order, skipping completed ones;
 * progress on stderr, the per-stage outcome on stdout (a table, or JSON with {@code --json}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the stages of a pipeline spec (.json, .yaml, .yml) in order, each stage's output model feeding the next;"
                + " stages already complete (same parameters, same input) are skipped. See docs/pipeline.md.")
public final class PipelineRunCommand implements Callable<Integer> {
    private final StageRegistry registry;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The pipeline spec: a .json, .yaml or .yml file.")
    Path specFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory, instead of the spec's 'out' (relative to the working directory).")
    Path out;

    @Option(names = "--model", converter = ModelDirectoryOption.class, paramLabel = "DIR",
            description = "The first stage's input model, instead of the spec's 'model' (relative to the working directory).")
    Path model;

    @Option(names = "--force", description = "Rerun every stage, complete or not.")
    boolean force;

    @Option(names = "--from", paramLabel = "NAME", description = "Rerun the stage NAME and every stage after it.")
    String from;

    @Option(names = "--dry-run", description = "Check the spec and print what would run, without running anything.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    /** With the stage types found by {@link java.util.ServiceLoader}. */
    public PipelineRunCommand() {
        this(null);
    }

    /** With these stage types (null: discover them). */
    public PipelineRunCommand(StageRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Integer call() {
        if (force && from != null) {
            throw new ParameterException(spec.commandLine(), "give at most one of --force and --from");
        }
        PipelineSpec pipeline = SpecReader.read(specFile, out, model);
        PrintWriter err = spec.commandLine().getErr();
        PipelineRunner runner = new PipelineRunner(registry != null ? registry : StageRegistry.discover(), line -> {
            err.println("pipeline " + pipeline.name() + ": " + line);
            err.flush();
        });
        PipelineReport report = runner.run(pipeline, new RunOptions(force, from, dryRun));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Json.print(o, toJson(report));
        } else {
            printTable(o, report);
        }
        return 0;
    }

    private static ObjectNode toJson(PipelineReport r) {
        ObjectNode o = Json.object();
        o.put("pipeline", r.spec().name());
        o.put("spec", r.spec().file().toString());
        o.put("out", r.spec().out().toString());
        o.put("dry_run", r.dryRun());
        o.put("model", r.model() == null ? null : r.model().toString());
        ArrayNode stages = o.putArray("stages");
        for (StageReport s : r.stages()) {
            ObjectNode st = stages.addObject();
            st.put("name", s.name());
            st.put("type", s.type());
            st.put("dir", s.dir().toString());
            st.put("status", s.status().label());
            st.put("reason", s.reason());
            if (s.seconds() == null) {
                st.putNull("seconds");
            } else {
                st.put("seconds", s.seconds());
            }
            st.put("input_model", s.inputModel() == null ? null : s.inputModel().toString());
            st.put("output_model", s.outputModel() == null ? null : s.outputModel().toString());
            st.set("summary", Json.tree(s.summary()));
        }
        return o;
    }

    private static void printTable(PrintWriter o, PipelineReport r) {
        long ran = r.stages().stream().filter(s -> s.status() == StageReport.Status.RAN).count();
        long skipped = r.stages().stream().filter(s -> s.status() == StageReport.Status.SKIPPED).count();
        if (r.dryRun()) {
            o.printf("pipeline %s (dry run): %s%n", r.spec().name(), r.spec().out());
        } else {
            o.printf("pipeline %s: %s (%d ran, %d skipped)%n", r.spec().name(), r.spec().out(), ran, skipped);
        }
        int w = Math.max(5, r.stages().stream().mapToInt(s -> s.dir().getFileName().toString().length()).max().orElse(5));
        o.printf("%-" + w + "s  %-10s %-10s %8s  %s%n", "STAGE", "TYPE", "STATUS", "SECONDS", r.dryRun() ? "REASON" : "RESULT");
        for (StageReport s : r.stages()) {
            String seconds = s.seconds() == null ? "-" : String.format("%.2f", s.seconds());
            String last = r.dryRun() ? s.reason() : summary(s);
            o.printf("%-" + w + "s  %-10s %-10s %8s  %s%n", s.dir().getFileName(), s.type(), s.status().label(), seconds, last);
        }
        o.printf("model: %s%n", r.model() == null ? (r.dryRun() ? "(known after the run)" : "none") : r.model());
        o.flush();
    }

    private static String summary(StageReport s) {
        List<String> parts = new ArrayList<>();
        if (s.outputModel() != null) {
            parts.add("model=" + s.outputModel());
        }
        for (Map.Entry<String, Object> e : s.summary().entrySet()) {
            Object v = e.getValue();
            parts.add(e.getKey() + "=" + (v instanceof String str ? str : Json.compact(v)));
        }
        return String.join(", ", parts);
    }
}
