package dev.nemotron.train.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageSpec;
import java.util.Map;

/**
 * The {@code cpt} stage: continued pretraining of the input model (e.g. at long context), as
 * {@code pretrain} with the continued-pretraining defaults {@code schedule: constant},
 * {@code lr: 1e-5}, {@code warmup: 0}. Give {@code seq_len} well above the pretraining one.
 */
public final class CptStageProvider implements StageProvider {
    static final Map<String, Object> DEFAULTS = Map.of("schedule", "constant", "lr", 1e-5, "warmup", 0);

    @Override
    public String type() {
        return "cpt";
    }

    @Override
    public String description() {
        return "continued pretraining of the input model (long context): constant small LR by default";
    }

    @Override
    public Stage create(StageSpec spec) {
        return PretrainStageProvider.create(spec, DEFAULTS);
    }
}
