package dev.nemotron.eval.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;
import dev.nemotron.infer.archunitfixture.InferEngine;

/** Fixture: eval → infer, api (allowed). */
public final class Evaluator {
    public String score(InferEngine engine) {
        ApiValue v = engine.complete("2+2=");
        return v.name();
    }
}
