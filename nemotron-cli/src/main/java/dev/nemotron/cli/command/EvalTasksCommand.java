package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.eval.data.DocSources;
import dev.nemotron.eval.filter.AnswerFilters;
import dev.nemotron.eval.metric.MetricProvider;
import dev.nemotron.eval.metric.MetricRegistry;
import dev.nemotron.eval.task.BuiltinTasks;
import dev.nemotron.eval.task.MetricSpec;
import dev.nemotron.eval.task.TaskSpec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nemotron eval tasks}: the built-in tasks, and the metrics, filters and data sources task files may name. */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = "List the built-in tasks, and the metrics, answer filters and data-source types a task file may name.")
public final class EvalTasksCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MetricRegistry metrics = MetricRegistry.discover();
        ObjectNode root = Json.object();
        ArrayNode tasks = root.putArray("tasks");
        for (String name : BuiltinTasks.names()) {
            TaskSpec t = BuiltinTasks.load(name);
            ObjectNode o = tasks.addObject();
            o.put("name", t.name());
            o.put("output", t.output().wireName());
            o.put("chat", t.prompt().chat());
            o.put("fewshot", t.fewshot().n());
            o.put("metrics", t.metrics().stream().map(MetricSpec::name).collect(Collectors.joining(",")));
            o.put("description", t.description());
        }
        ArrayNode ms = root.putArray("metrics");
        for (MetricProvider p : metrics.providers()) {
            ms.addObject().put("name", p.name()).put("outputs", p.outputs().stream().map(x -> x.wireName()).sorted()
                    .collect(Collectors.joining(","))).put("description", p.description());
        }
        ArrayNode fs = root.putArray("filters");
        AnswerFilters.discover().types().forEach(fs::add);
        ArrayNode ds = root.putArray("data_sources");
        DocSources.discover().types().forEach(ds::add);
        if (json) {
            Json.print(out, root);
            return 0;
        }
        out.println("Built-in tasks:");
        root.get("tasks").forEach(t -> out.printf("  %-12s %-16s %s%n", t.get("name").asText(), t.get("output").asText(),
                t.get("description").asText()));
        out.println("Metrics:");
        root.get("metrics").forEach(m -> out.printf("  %-14s %s%n", m.get("name").asText(), m.get("description").asText()));
        out.println("Answer filters: " + String.join(", ", AnswerFilters.discover().types()));
        out.println("Data sources:   " + String.join(", ", DocSources.discover().types()));
        out.flush();
        return 0;
    }
}
