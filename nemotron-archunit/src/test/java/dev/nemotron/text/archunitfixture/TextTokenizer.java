package dev.nemotron.text.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;

/** Fixture: text → api (allowed). */
public final class TextTokenizer {
    public ApiValue encode(String text) {
        return new ApiValue(text, new int[] {text.length()}, java.util.List.of());
    }
}
