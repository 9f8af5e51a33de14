package dev.nemotron.eval.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.metric.Metric;
import dev.nemotron.eval.metric.MetricProvider;
import dev.nemotron.eval.task.OutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * RULER's scoring as a harness metric ({@link RulerMetric}): the answer (the filtered prediction,
 * the completion when the task has no filters) against the problem's list of expected answers,
 * the {@code outputs} field of a {@code ruler} data source (option {@code references: FIELD} for
 * another list field). {@code string_match_all} scores the fraction found, {@code string_match_part}
 * 1 if any is found; both ignore case, after RULER's clean-up of the reply.
 */
public abstract sealed class RulerMatchMetricProvider implements MetricProvider {
    private final RulerMetric metric;

    RulerMatchMetricProvider(RulerMetric metric) {
        this.metric = metric;
    }

    @Override
    public String name() {
        return metric.id();
    }

    @Override
    public Set<OutputType> outputs() {
        return Set.of(OutputType.GENERATE_UNTIL);
    }

    @Override
    public Metric create(Fields options) {
        options.allowOnly("references");
        String field = options.string("references", "outputs");
        return sample -> {
            JsonNode refs = sample.doc().get(field);
            if (refs == null || !refs.isArray() || refs.isEmpty()) {
                throw new NemotronException(sample.doc().where() + ": " + name() + " needs a non-empty list field '" + field
                        + "' of expected answers (a 'ruler' data source has 'outputs')");
            }
            List<String> references = new ArrayList<>();
            refs.forEach(r -> references.add(r.asText()));
            String answer = sample.prediction() != null ? sample.prediction()
                    : sample.completion() == null ? "" : sample.completion().text();
            return metric.score(answer, references);
        };
    }

    /** {@code string_match_all}: the fraction of expected answers found in the reply (niah, vt, cwe, fwe). */
    public static final class All extends RulerMatchMetricProvider {
        /** The provider ({@code ServiceLoader} needs a public constructor). */
        public All() {
            super(RulerMetric.STRING_MATCH_ALL);
        }

        @Override
        public String description() {
            return "RULER: the fraction of the expected answers found in the reply, ignoring case (docs/eval-ruler.md)";
        }
    }

    /** {@code string_match_part}: 1 if any expected answer is found in the reply (RULER's qa). */
    public static final class Part extends RulerMatchMetricProvider {
        /** The provider ({@code ServiceLoader} needs a public constructor). */
        public Part() {
            super(RulerMetric.STRING_MATCH_PART);
        }

        @Override
        public String description() {
            return "RULER: 1 if any expected answer is found in the reply, ignoring case (docs/eval-ruler.md)";
        }
    }
}
