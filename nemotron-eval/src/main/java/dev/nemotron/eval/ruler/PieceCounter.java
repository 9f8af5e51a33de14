package dev.nemotron.eval.ruler;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Memoised token counts of small pieces of text (a word with its leading space, a sentence, a
 * numbered list entry), used to estimate a prompt's length as the sum of its pieces without
 * encoding the whole prompt. Thread-safe; the memo is dropped when it grows past a bound, so that
 * random pieces (UUIDs) cannot fill the heap.
 */
final class PieceCounter {
    private static final int MAX_ENTRIES = 1 << 18;

    private final TokenCounter counter;
    private final ConcurrentHashMap<String, Integer> memo = new ConcurrentHashMap<>();

    PieceCounter(TokenCounter counter) {
        this.counter = counter;
    }

    /** The underlying exact counter. */
    TokenCounter exact() {
        return counter;
    }

    /** The token count of {@code piece} encoded on its own. */
    int count(String piece) {
        Integer known = memo.get(piece);
        if (known != null) {
            return known;
        }
        int n = counter.count(piece);
        if (memo.size() >= MAX_ENTRIES) {
            memo.clear();
        }
        memo.put(piece, n);
        return n;
    }
}
