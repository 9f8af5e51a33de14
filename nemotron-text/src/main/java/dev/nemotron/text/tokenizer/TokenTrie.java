package dev.nemotron.text.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A character trie of added-token patterns, answering "which pattern is the longest match starting
 * here" (scanning positions left to right gives HF's leftmost-longest matching).
 */
final class TokenTrie {
    private static final class Node {
        final Map<Character, Node> children = new HashMap<>(4);
        int value = -1;
    }

    private final Node root = new Node();
    private final boolean[] firstChars = new boolean[0x10000];
    private final boolean empty;

    /** A trie of {@code patterns}; a match reports the index of the pattern in the list. */
    TokenTrie(List<String> patterns) {
        for (int k = 0; k < patterns.size(); k++) {
            String p = patterns.get(k);
            if (p.isEmpty()) {
                continue;
            }
            Node n = root;
            for (int i = 0; i < p.length(); i++) {
                n = n.children.computeIfAbsent(p.charAt(i), c -> new Node());
            }
            n.value = k;
            firstChars[p.charAt(0)] = true;
        }
        empty = root.children.isEmpty();
    }

    boolean isEmpty() {
        return empty;
    }

    /** The longest match at {@code start} as {@code (end << 32) | patternIndex}, or -1. */
    long longestAt(String s, int start) {
        if (!firstChars[s.charAt(start)]) {
            return -1;
        }
        Node n = root;
        long best = -1;
        for (int i = start; i < s.length(); i++) {
            n = n.children.get(s.charAt(i));
            if (n == null) {
                break;
            }
            if (n.value >= 0) {
                best = ((long) (i + 1) << 32) | n.value;
            }
        }
        return best;
    }
}
