package dev.nemotron.eval.archunitfixture;

import dev.nemotron.train.archunitfixture.Trainer;

/** Violates moduleDependencies: eval → train. */
public final class EvalUsesTrain {
    private final Trainer trainer = new Trainer();

    public Trainer trainer() {
        return trainer;
    }
}
