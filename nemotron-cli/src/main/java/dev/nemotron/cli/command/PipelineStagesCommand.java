package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.pipeline.DiscoveredStage;
import dev.nemotron.pipeline.StageRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nemotron pipeline stages}: every stage type found on the module path, whether it can run here, and why. */
@Command(name = "stages", mixinStandardHelpOptions = true,
        description = "List the pipeline stage types found on the module path (stage plugins), whether each can run here, and why.")
public final class PipelineStagesCommand implements Callable<Integer> {
    private final StageRegistry registry;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    /** With the stage types found by {@link java.util.ServiceLoader}. */
    public PipelineStagesCommand() {
        this(null);
    }

    /** With these stage types (null: discover them). */
    public PipelineStagesCommand(StageRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Integer call() {
        List<DiscoveredStage> all = (registry != null ? registry : StageRegistry.discover()).all();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode arr = Json.object().arrayNode();
            for (DiscoveredStage d : all) {
                ObjectNode o = arr.addObject();
                o.put("type", d.type());
                o.put("description", d.description());
                o.put("available", d.availability().available());
                o.put("reason", d.availability().reason());
                o.put("module", d.module());
            }
            Json.print(out, arr);
            return 0;
        }
        out.printf("%-12s %-9s %-22s %s%n", "TYPE", "AVAILABLE", "MODULE", "DESCRIPTION");
        for (DiscoveredStage d : all) {
            out.printf("%-12s %-9s %-22s %s%n", d.type(), d.availability().available() ? "yes" : "no", d.module(),
                    d.description() + (d.availability().available() ? "" : " (" + d.availability().reason() + ")"));
        }
        if (all.isEmpty()) {
            out.println("(no stage plugin on the module path)");
        }
        out.flush();
        return 0;
    }
}
