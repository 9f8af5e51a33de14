package dev.nemotron.arch.archunitfixture;

import dev.nemotron.infer.archunitfixture.InferEngine;

/** Violates moduleDependencies: arch → infer (and makes a cycle arch ↔ infer). */
public final class ArchUsesInfer {
    public int warmUp() {
        return new InferEngine().generate(new ArchModel()).shape().length;
    }
}
