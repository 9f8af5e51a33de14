package dev.nemotron.text.tokenizer.model;

import dev.nemotron.text.tokenizer.text.IntList;

/** The {@code model} of {@code tokenizer.json}: turns one pre-tokenized piece into token ids. Thread-safe. */
public interface Model {
    /** Appends the ids of {@code piece} to {@code out}. */
    void encode(String piece, IntList out);

    /** The token with this id, or {@code null}. */
    String idToToken(int id);

    /** The id of this token, or -1. */
    int tokenToId(String token);

    /** Every token with its id. */
    java.util.Map<String, Integer> vocab();
}
