package dev.nemotron.compress.archunitfixture;

import dev.nemotron.arch.archunitfixture.ArchModel;
import dev.nemotron.train.archunitfixture.Trainer;

/** Fixture: compress → train, arch (allowed). */
public final class Pruner {
    public long prune(Trainer trainer, ArchModel model) {
        return trainer.step(model).elements() / 2;
    }
}
