package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.api.reward.RewardProvider;
import dev.nemotron.cli.output.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron eval rewards}: every {@link RewardProvider} found on the module path, whether it
 * can run here, and why. A provider that fails while describing itself is listed as unavailable
 * with the error, so one broken plugin never hides the others.
 */
@Command(name = "rewards", mixinStandardHelpOptions = true,
        description = "List the rewards found on the module path (reward plugins), whether each can run here, and why.")
public final class EvalRewardsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    /** One row of the listing. */
    private record Row(String name, boolean available, String reason, String description, String module) {
    }

    @Override
    public Integer call() {
        List<Row> rows = discover();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode arr = Json.object().arrayNode();
            for (Row r : rows) {
                arr.addObject().put("name", r.name()).put("description", r.description()).put("available", r.available())
                        .put("reason", r.reason()).put("module", r.module());
            }
            Json.print(out, arr);
            return 0;
        }
        out.printf("%-12s %-9s %-18s %s%n", "NAME", "AVAILABLE", "MODULE", "DESCRIPTION");
        for (Row r : rows) {
            out.printf("%-12s %-9s %-18s %s%n", r.name(), r.available() ? "yes" : "no", r.module(),
                    r.description() + (r.available() ? "" : " (" + r.reason() + ")"));
        }
        if (rows.isEmpty()) {
            out.println("(no reward plugin on the module path)");
        }
        out.flush();
        return 0;
    }

    private static List<Row> discover() {
        List<Row> rows = new ArrayList<>();
        for (Plugins.Discovered<RewardProvider> d : Plugins.discover(RewardProvider.class, EvalRewardsCommand.class.getClassLoader())) {
            if (!d.ok()) {
                rows.add(new Row(d.type(), false, d.failure(), "", d.module()));
                continue;
            }
            try {
                RewardProvider p = d.provider();
                rows.add(new Row(p.name(), p.availability().available(), p.availability().reason(), p.description(), d.module()));
            } catch (RuntimeException e) {
                rows.add(new Row(d.type(), false, "provider failed: " + e.getMessage(), "", d.module()));
            }
        }
        rows.sort(Comparator.comparing(Row::name));
        return rows;
    }
}
