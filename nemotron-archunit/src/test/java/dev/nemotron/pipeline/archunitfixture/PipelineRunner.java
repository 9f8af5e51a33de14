package dev.nemotron.pipeline.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;

/** Fixture: pipeline → api (allowed: it knows stages only through the API's StageProvider). */
public final class PipelineRunner {
    public String run(ApiValue stage) {
        return stage.name();
    }
}
