package dev.nemotron.align.archunitfixture;

import dev.nemotron.arch.archunitfixture.ArchModel;
import dev.nemotron.infer.archunitfixture.InferEngine;
import dev.nemotron.train.archunitfixture.Trainer;

/** Fixture: align → train, infer, arch (allowed). */
public final class Aligner {
    public long grpoStep(Trainer trainer, InferEngine engine, ArchModel model) {
        return engine.generate(model).elements() + trainer.step(model).elements();
    }
}
