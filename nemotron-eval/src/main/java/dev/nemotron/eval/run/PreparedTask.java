package dev.nemotron.eval.run;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.data.JsonlReader;
import dev.nemotron.eval.filter.AnswerFilter;
import dev.nemotron.eval.metric.Aggregation;
import dev.nemotron.eval.task.FewShotSampler;
import dev.nemotron.eval.task.MetricSpec;
import dev.nemotron.eval.task.TaskSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A task ready to run: its problems loaded, its filters, metrics and few-shot sampler resolved
 * against the {@link EvalPlugins}, and its config digest for a given model.
 */
public final class PreparedTask {
    private final TaskSpec spec;
    private final List<Doc> docs;
    private final AnswerFilter filter;
    private final List<ScoredMetric> metrics;
    private final FewShotSampler fewshot;
    private final String digest;

    private PreparedTask(TaskSpec spec, List<Doc> docs, AnswerFilter filter, List<ScoredMetric> metrics,
                         FewShotSampler fewshot, String digest) {
        this.spec = spec;
        this.docs = docs;
        this.filter = filter;
        this.metrics = metrics;
        this.fewshot = fewshot;
        this.digest = digest;
    }

    /**
     * Loads and checks {@code spec} for {@code modelId}.
     *
     * @param limit only the first {@code limit} problems (0: all); the digest covers them all, so a
     *              larger limit later reuses what was done
     * @throws NemotronException naming the task file and field for anything that does not resolve
     */
    public static PreparedTask prepare(TaskSpec spec, String modelId, int limit, EvalPlugins plugins) {
        List<Doc> all = plugins.sources().get(spec.dataset().string("type"), spec.dataset().at("type"))
                .load(spec.dataset(), spec.location());
        if (all.isEmpty()) {
            throw new NemotronException(spec.origin() + ": dataset: no problems");
        }
        AnswerFilter filter = plugins.filters().pipeline(spec.filters());
        List<ScoredMetric> metrics = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (MetricSpec m : spec.metrics()) {
            if (!names.add(m.name())) {
                throw new NemotronException(m.where() + ": metric '" + m.name() + "' is listed twice");
            }
            List<Aggregation> aggregations = new ArrayList<>();
            for (String a : m.aggregations()) {
                for (Aggregation agg : Aggregation.expand(a, m.where() + ".aggregations", spec.repeats())) {
                    if (agg.minRepeats() > spec.repeats()) {
                        throw new NemotronException(m.where() + ".aggregations: " + a + " needs at least " + agg.minRepeats()
                                + " repeats, the task has " + spec.repeats() + " (set 'repeats' or --repeats)");
                    }
                    if (aggregations.stream().anyMatch(x -> x.key(m.name()).equals(agg.key(m.name())))) {
                        throw new NemotronException(m.where() + ".aggregations: " + agg.wireName() + " is listed twice");
                    }
                    aggregations.add(agg);
                }
            }
            metrics.add(new ScoredMetric(m.name(), plugins.metrics().create(m, spec.output()), List.copyOf(aggregations)));
        }
        List<Doc> pool = spec.fewshot().file() == null ? all : JsonlReader.read(spec.location(), spec.fewshot().file());
        FewShotSampler fewshot;
        try {
            fewshot = new FewShotSampler(pool, spec.fewshot().n(), spec.fewshot().seed(), spec.fewshot().file() == null);
        } catch (NemotronException e) {
            throw new NemotronException(spec.origin() + ": fewshot.n: " + e.getMessage());
        }
        List<Doc> selected = limit > 0 && limit < all.size() ? all.subList(0, limit) : all;
        return new PreparedTask(spec, List.copyOf(selected), filter, List.copyOf(metrics), fewshot,
                ConfigDigest.of(spec.config(), modelId, all));
    }

    public TaskSpec spec() {
        return spec;
    }

    /** The problems this run evaluates (after the limit). */
    public List<Doc> docs() {
        return docs;
    }

    public String digest() {
        return digest;
    }

    AnswerFilter filter() {
        return filter;
    }

    List<ScoredMetric> metrics() {
        return metrics;
    }

    /** The few-shot examples of {@code doc}. */
    List<Doc> examples(Doc doc) {
        return fewshot.examples(doc);
    }
}
