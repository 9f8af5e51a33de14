package dev.nemotron.train.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;
import dev.nemotron.arch.archunitfixture.ArchModel;

/** Fixture: train → arch, api (allowed). */
public final class Trainer {
    public ApiValue step(ArchModel model) {
        return model.embedding();
    }
}
