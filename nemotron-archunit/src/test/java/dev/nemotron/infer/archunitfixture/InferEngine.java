package dev.nemotron.infer.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;
import dev.nemotron.arch.archunitfixture.ArchModel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Fixture: infer → arch, api (allowed); logs through log4j-api (allowed). */
public final class InferEngine {
    private static final Logger LOG = LogManager.getLogger(InferEngine.class);

    public ApiValue generate(ArchModel model) {
        LOG.info("generating with {}", model);
        return model.embedding();
    }

    public ApiValue complete(String prompt) {
        return new ApiValue(prompt, new int[] {1}, java.util.List.of());
    }
}
