package dev.nemotron.text.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;
import dev.nemotron.arch.archunitfixture.ArchModel;

/** Violates moduleDependencies: text → arch (text sits below train and infer, on the API alone). */
public final class TextUsesArch {
    public ApiValue embed(ArchModel model) {
        return model.embedding();
    }
}
