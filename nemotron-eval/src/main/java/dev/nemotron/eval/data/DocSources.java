package dev.nemotron.eval.data;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.plugin.Plugins;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The data-source types by name: the built-in {@code jsonl} and those {@link Plugins} finds (a failing plugin is logged and skipped). */
public final class DocSources {
    private static final Logger LOG = LogManager.getLogger(DocSources.class);
    private final Map<String, DocSourceProvider> byType = new LinkedHashMap<>();

    private DocSources(List<DocSourceProvider> providers) {
        for (DocSourceProvider p : providers) {
            byType.putIfAbsent(p.type(), p);
        }
    }

    /** {@code jsonl} plus every provider on the module path. */
    public static DocSources discover() {
        List<DocSourceProvider> all = new ArrayList<>();
        all.add(new JsonlSource());
        all.addAll(Plugins.load(DocSourceProvider.class, Thread.currentThread().getContextClassLoader(), LOG::warn));
        return new DocSources(all);
    }

    /** {@code jsonl} plus exactly {@code extra} (tests, embedding applications). */
    public static DocSources of(List<? extends DocSourceProvider> extra) {
        List<DocSourceProvider> all = new ArrayList<>();
        all.add(new JsonlSource());
        all.addAll(extra);
        return new DocSources(all);
    }

    /** @throws NemotronException naming the known types when {@code type} is unknown */
    public DocSourceProvider get(String type, String where) {
        DocSourceProvider p = byType.get(type);
        if (p == null) {
            throw new NemotronException(where + ": unknown data source type '" + type + "' (known: "
                    + String.join(", ", byType.keySet()) + ")");
        }
        return p;
    }

    public List<String> types() {
        return List.copyOf(byType.keySet());
    }
}
