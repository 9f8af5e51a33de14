package dev.nemotron.eval.metric;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.task.MetricSpec;
import dev.nemotron.eval.task.OutputType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The metrics by name: the {@link BuiltinMetrics} and those {@code ServiceLoader} finds (first name wins). */
public final class MetricRegistry {
    private final Map<String, MetricProvider> byName = new LinkedHashMap<>();

    private MetricRegistry(List<MetricProvider> providers) {
        for (MetricProvider p : providers) {
            byName.putIfAbsent(p.name(), p);
        }
    }

    /** Built-ins plus every {@link MetricProvider} on the module path. */
    public static MetricRegistry discover() {
        List<MetricProvider> all = new ArrayList<>(BuiltinMetrics.all());
        ServiceLoader.load(MetricProvider.class).forEach(all::add);
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
