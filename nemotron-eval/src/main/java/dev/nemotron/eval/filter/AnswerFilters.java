package dev.nemotron.eval.filter;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.eval.config.Fields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The filter types by name: the {@link BuiltinFilters} and those {@link Plugins} finds (a failing plugin is logged and skipped). */
public final class AnswerFilters {
    private static final Logger LOG = LogManager.getLogger(AnswerFilters.class);
    private final Map<String, AnswerFilterProvider> byType = new LinkedHashMap<>();

    private AnswerFilters(List<AnswerFilterProvider> providers) {
        for (AnswerFilterProvider p : providers) {
            byType.putIfAbsent(p.type(), p);
        }
    }

    /** Built-ins plus every provider on the module path. */
    public static AnswerFilters discover() {
        List<AnswerFilterProvider> all = new ArrayList<>(BuiltinFilters.all());
        all.addAll(Plugins.load(AnswerFilterProvider.class, Thread.currentThread().getContextClassLoader(), LOG::warn));
        return new AnswerFilters(all);
    }

    /** Built-ins plus exactly {@code extra}. */
    public static AnswerFilters of(List<? extends AnswerFilterProvider> extra) {
        List<AnswerFilterProvider> all = new ArrayList<>(BuiltinFilters.all());
        all.addAll(extra);
        return new AnswerFilters(all);
    }

    /** One pipeline step from its task-file entry. */
    public AnswerFilter create(Fields entry) {
        String type = entry.string("type");
        AnswerFilterProvider p = byType.get(type);
        if (p == null) {
            throw new NemotronException(entry.at("type") + ": unknown filter type '" + type + "' (known: "
                    + String.join(", ", byType.keySet()) + ")");
        }
        return p.create(entry);
    }

    /** The steps in order, composed (the identity for none). */
    public AnswerFilter pipeline(List<Fields> entries) {
        List<AnswerFilter> steps = new ArrayList<>();
        for (Fields e : entries) {
            steps.add(create(e));
        }
        return text -> {
            String t = text;
            for (AnswerFilter s : steps) {
                t = s.apply(t);
            }
            return t;
        };
    }

    public List<String> types() {
        return List.copyOf(byType.keySet());
    }
}
