package dev.nemotron.pipeline.archunitfixture;

import dev.nemotron.train.archunitfixture.Trainer;

/** Violates moduleDependencies: pipeline → train (a stage must come through StageProvider). */
public final class PipelineUsesTrain {
    public Object stage() {
        return new Trainer();
    }
}
