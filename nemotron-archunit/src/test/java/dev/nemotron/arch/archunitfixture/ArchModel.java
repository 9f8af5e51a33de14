package dev.nemotron.arch.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;
import java.util.List;

/** Fixture: arch → api (allowed). */
public final class ArchModel {
    public ApiValue embedding() {
        return new ApiValue("backbone.embeddings.weight", new int[] {16, 8}, List.of());
    }
}
