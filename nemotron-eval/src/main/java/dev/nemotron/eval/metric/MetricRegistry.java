package dev.nemotron.eval.metric;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.eval.task.MetricSpec;
import dev.nemotron.eval.task.OutputType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The metrics by name: the {@link BuiltinMetrics} and those {@link Plugins} finds (a failing plugin is logged and skipped) (first name wins). */
public final class MetricRegistry {
    private static final Logger LOG = LogManager.getLogger(MetricRegistry.class);
    private final Map<String, MetricProvider> byName = new LinkedHashMap<>();

    private MetricRegistry(List<MetricProvider> providers) {
        for (MetricProvider p : providers) {
            byName.putIfAbsent(p.name(), p);
        }
    }

    /** Built-ins plus every {@link MetricProvider} on the module path. */
    public static MetricRegistry discover() {
        List<MetricProvider> all = new ArrayList<>(BuiltinMetrics.all());
        all.addAll(Plugins.load(MetricProvider.class, Thread.currentThread().getContextClassLoader(), LOG::warn));
        return new MetricRegistry(all);
    }

    /** Built-ins plus exactly {@code extra}. */
    public static MetricRegistry of(List<? extends MetricProvider> extra) {
        List<MetricProvider> all = new ArrayList<>(BuiltinMetrics.all());
        all.addAll(extra);
        return new MetricRegistry(all);
    }

    /**
     * The metric a task entry names, checked against the task's output type.
     *
     * @throws NemotronException naming the entry for an unknown name, a wrong output type or bad options
     */
    public Metric create(MetricSpec spec, OutputType output) {
        MetricProvider p = byName.get(spec.name());
        if (p == null) {
            throw new NemotronException(spec.where() + ": unknown metric '" + spec.name() + "' (known: "
                    + String.join(", ", byName.keySet()) + ")");
        }
        if (!p.outputs().contains(output)) {
            throw new NemotronException(spec.where() + ": metric '" + spec.name() + "' does not score "
                    + output.wireName() + " tasks");
        }
        return p.create(spec.options());
    }

    public Collection<MetricProvider> providers() {
        return List.copyOf(byName.values());
    }
}
