package dev.nemotron.train.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.train.pretrain.PretrainSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code pretrain} stage: {@code nemotron pretrain} in a pipeline. Parameters are the
 * pretraining spec's fields (docs/training.md "Pretraining") except {@code out} and
 * {@code resume}, which the runner decides; {@code data} names token dataset directories, e.g.
 * {@code "${data.dataset}"} from a tokenize stage. Without {@code model_config} it continues the
 * input model. Output: the trained model; summary: steps, loss, eval_loss, unigram_entropy,
 * tokens, tokens_per_s, run.
 */
public final class PretrainStageProvider implements StageProvider {
    @Override
    public String type() {
        return "pretrain";
    }

    @Override
    public String description() {
        return "pretrain a model (random init from model_config, or the input model) on token datasets";
    }

    @Override
    public Stage create(StageSpec spec) {
        return create(spec, Map.of());
    }

    /** Checks the parameters' shape now (paths and references stay unresolved) and returns the stage. */
    static Stage create(StageSpec spec, Map<String, Object> defaults) {
        StageParams p = spec.params();
        Set<String> known = new HashSet<>(PretrainSpec.FIELDS);
        known.remove("out");
        known.remove("resume");
        p.requireOnly(known);
        PretrainSpec.parse(PretrainStage.specNode(p, defaults, Path.of("/checked-later"), Path.of("/input-model"), false),
                "stage '" + spec.name() + "'", Path.of("/"));
        return new PretrainStage(p, defaults);
    }
}
