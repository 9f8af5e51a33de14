package dev.nemotron.text.tokenizer.model;

import java.util.HashMap;
import java.util.Map;

/**
 * A vocabulary read backwards: the token of each id. Ids come from the file, so the table is
 * sized by the number of tokens, never by the largest id: a dense vocabulary (ids {@code 0..n-1}
 * with few gaps, as every real tokenizer has) is an array, a sparse one (e.g. one token with id
 * 2,000,000,000) a hash map.
 */
final class TokensById {
    /** Largest id kept in an array, relative to the vocabulary size (gaps allowed up to this). */
    private static final int SLACK = 1024;

    private final String[] dense;
    private final Map<Integer, String> sparse;

    TokensById(Map<String, Integer> vocab) {
        long max = -1;
        for (int id : vocab.values()) {
            max = Math.max(max, id);
        }
        if (max < 2L * vocab.size() + SLACK) {
            dense = new String[(int) max + 1];
            vocab.forEach((t, id) -> dense[id] = t);
            sparse = null;
        } else {
            dense = null;
            sparse = new HashMap<>(vocab.size() * 2);
            vocab.forEach((t, id) -> sparse.put(id, t));
        }
    }

    /** The token with id {@code id}, or null when none has it. */
    String get(int id) {
        if (dense != null) {
            return id >= 0 && id < dense.length ? dense[id] : null;
        }
        return sparse.get(id);
    }
}
