package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.backend.DiscoveredBackend;
import dev.nemotron.cli.output.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nemotron backends}: every backend plugin found, available or not, and why. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the backend plugins found on the module path, whether each can run here, and why (--verbose: the details).")
public final class BackendsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Also show the details behind each reason (e.g. every path tried).")
    boolean verbose;

    @Override
    public Integer call() {
        List<DiscoveredBackend> all = Backends.discover();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode arr = Json.object().arrayNode();
            for (DiscoveredBackend b : all) {
                ObjectNode o = arr.addObject();
                o.put("name", b.name());
                o.put("priority", b.priority());
                o.put("available", b.availability().available());
                o.put("reason", b.availability().reason());
                o.put("detail", b.availability().detail());
                o.put("module", b.module());
                ArrayNode caps = o.putArray("capabilities");
                b.capabilities().stream().map(Enum::name).sorted().forEach(caps::add);
            }
            Json.print(out, arr);
        } else {
            out.printf("%-15s %-9s %-9s %s%n", "BACKEND", "PRIORITY", "AVAILABLE", "REASON / CAPABILITIES");
            for (DiscoveredBackend b : all) {
                out.printf("%-15s %-9d %-9s %s%n", b.name(), b.priority(), b.availability().available() ? "yes" : "no",
                        b.availability().reason());
                if (verbose && !b.availability().detail().isEmpty()) {
                    out.printf("%-35s %s%n", "", b.availability().detail());
                }
                out.printf("%-35s %s%n", "", b.capabilities().stream().map(Enum::name).sorted()
                        .collect(Collectors.joining(", ")));
            }
            if (all.isEmpty()) {
                out.println("(no backend plugin on the module path)");
            }
            out.flush();
        }
        return 0;
    }
}
