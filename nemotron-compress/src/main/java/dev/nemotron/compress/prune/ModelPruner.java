package dev.nemotron.compress.prune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Parameters;

/**
 * Prunes a model in memory (float64 {@link Parameters}), with the same {@link PruneMapping} as
 * {@link CheckpointPruner}: what importance estimation uses to try a model without a layer. An
 * uncut tensor shares the original's array (no copy), so trying a depth-pruned model is cheap.
 */
public final class ModelPruner {
    private ModelPruner() {
    }

    /** {@code model} pruned by {@code plan}; {@code rawConfig} is the model's config.json. */
    public static TrainableModel prune(TrainableModel model, ObjectNode rawConfig, PrunePlan plan, MixerRegistry registry) {
        PruneMapping mapping = PruneMapping.of(model.graph(), rawConfig, plan, registry);
        Parameters src = model.parameters();
        Parameters out = Parameters.empty();
        for (PruneMapping.Output o : mapping.outputs()) {
            double[] values = src.getOrNull(o.source());
            if (values == null) {
                if (o.optional()) {
                    continue;
                }
                throw new NemotronException("the model has no parameter '" + o.source() + "'");
            }
            if (o.slice() == null) {
                out.put(o.name(), src.shape(o.source()), values);
            } else {
                out.put(o.name(), o.slice().newShape(), o.slice().apply(values));
            }
        }
        return new TrainableModel(mapping.graph(), out);
    }

    /** The graph {@code plan} gives {@code graph} (no weights touched): for counting parameters. */
    public static ModelGraph graph(ModelGraph graph, ObjectNode rawConfig, PrunePlan plan, MixerRegistry registry) {
        return PruneMapping.of(graph, rawConfig, plan, registry).graph();
    }
}
