package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.api.reward.RewardOption;
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
 * can run here, and why, with the options each takes ({@link RewardProvider#options()}). A provider that fails while describing itself is listed as unavailable
 * with the error, so one broken plugin never hides the others.
 */
@Command(name = "rewards", mixinStandardHelpOptions = true,
        description = "List the rewards found on the module path (reward plugins), whether each can run here and why,"
                + " and the options each takes.")
public final class EvalRewardsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    /** One row of the listing. */
    private record Row(String name, boolean available, String reason, String description, String module, List<RewardOption> options) {
    }

    @Override
    public Integer call() {
        List<Row> rows = discover();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode arr = Json.object().arrayNode();
            for (Row r : rows) {
                ObjectNode o = arr.addObject().put("name", r.name()).put("description", r.description()).put("available", r.available())
                        .put("reason", r.reason()).put("module", r.module());
                ArrayNode opts = o.putArray("options");
                for (RewardOption opt : r.options()) {
                    opts.addObject().put("name", opt.name()).put("default", opt.defaultValue()).put("description", opt.description());
                }
            }
            Json.print(out, arr);
            return 0;
        }
        out.printf("%-12s %-9s %-18s %s%n", "NAME", "AVAILABLE", "MODULE", "DESCRIPTION");
        for (Row r : rows) {
            out.printf("%-12s %-9s %-18s %s%n", r.name(), r.available() ? "yes" : "no", r.module(),
                    r.description() + (r.available() ? "" : " (" + r.reason() + ")"));
            for (RewardOption opt : r.options()) {
                out.printf("%-12s   option %s%s: %s%n", "", opt.name(), opt.defaultValue().isEmpty() ? "" : "=" + opt.defaultValue(),
                        opt.description());
            }
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
                rows.add(new Row(d.type(), false, d.failure(), "", d.module(), List.of()));
                continue;
            }
            try {
                RewardProvider p = d.provider();
                rows.add(new Row(p.name(), p.availability().available(), p.availability().reason(), p.description(), d.module(),
                        List.copyOf(p.options())));
            } catch (RuntimeException e) {
                rows.add(new Row(d.type(), false, "provider failed: " + e.getMessage(), "", d.module(), List.of()));
            }
        }
        rows.sort(Comparator.comparing(Row::name));
        return rows;
    }
}
