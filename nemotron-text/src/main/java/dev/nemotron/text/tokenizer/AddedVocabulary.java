package dev.nemotron.text.tokenizer;

import dev.nemotron.text.tokenizer.normalizer.Normalizer;
import dev.nemotron.text.tokenizer.text.Chars;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code added_tokens} and how they are found in text: tokens with {@code normalized: false}
 * are matched in the raw text, the others in the normalized text (their content normalized too),
 * leftmost-longest, honouring {@code single_word}, {@code lstrip} and {@code rstrip}.
 */
final class AddedVocabulary {
    /** Receives the pieces of a split: added tokens and the text between them. */
    interface Sink {
        void token(int id);

        /** Text between added tokens; {@code atStart}: it begins at the start of the input. */
        void text(String text, boolean atStart);
    }

    private final List<AddedToken> tokens;
    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Map<String, AddedToken> byContent = new HashMap<>();
    private final Set<Integer> specialIds = new LinkedHashSet<>();
    private final List<AddedToken> rawTokens = new ArrayList<>();
    private final List<AddedToken> normalizedTokens = new ArrayList<>();
    private final TokenTrie rawTrie;
    private final TokenTrie normalizedTrie;

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        this.tokens = List.copyOf(tokens);
        List<String> normalizedPatterns = new ArrayList<>();
        for (AddedToken t : tokens) {
            byId.put(t.id(), t);
            byContent.put(t.content(), t);
            if (t.special()) {
                specialIds.add(t.id());
            }
            if (t.normalized()) {
                normalizedTokens.add(t);
                normalizedPatterns.add(normalizer == null ? t.content() : normalizer.normalize(t.content()));
            } else {
                rawTokens.add(t);
            }
        }
        rawTrie = new TokenTrie(rawTokens.stream().map(AddedToken::content).toList());
        normalizedTrie = new TokenTrie(normalizedPatterns);
    }

    List<AddedToken> tokens() {
        return tokens;
    }

    AddedToken byId(int id) {
        return byId.get(id);
    }

    AddedToken byContent(String content) {
        return byContent.get(content);
    }

    Set<Integer> specialIds() {
        return Collections.unmodifiableSet(specialIds);
    }

    boolean isSpecial(String content) {
        AddedToken t = byContent.get(content);
        return t != null && t.special();
    }

    /** Splits raw text around the non-normalized added tokens. */
    void splitRaw(String s, Sink sink) {
        split(s, true, rawTrie, rawTokens, sink);
    }

    /** Splits normalized text around the normalized added tokens. */
    void splitNormalized(String s, boolean atStart, Sink sink) {
        split(s, atStart, normalizedTrie, normalizedTokens, sink);
    }

    private static void split(String s, boolean atStart, TokenTrie trie, List<AddedToken> list, Sink sink) {
        if (trie.isEmpty()) {
            if (!s.isEmpty()) {
                sink.text(s, atStart);
            }
            return;
        }
        int last = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            long m = trie.longestAt(s, i);
            if (m < 0) {
                i++;
                continue;
            }
            int start = i;
            int end = (int) (m >>> 32);
            AddedToken t = list.get((int) m);
            if (t.singleWord()) {
                boolean before = start == 0 || !Chars.isWordChar(s.codePointBefore(start));
                boolean after = end == n || !Chars.isWordChar(s.codePointAt(end));
                if (!before || !after) {
                    i = end;
                    continue;
                }
            }
            if (t.lstrip()) {
                while (start > last && Chars.isWhitespace(s.codePointBefore(start))) {
                    start -= Character.charCount(s.codePointBefore(start));
                }
            }
            if (t.rstrip()) {
                while (end < n && Chars.isWhitespace(s.codePointAt(end))) {
                    end += Character.charCount(s.codePointAt(end));
                }
            }
            if (start > last) {
                sink.text(s.substring(last, start), atStart && last == 0);
            }
            sink.token(t.id());
            last = end;
            i = end;
        }
        if (last < n) {
            sink.text(last == 0 ? s : s.substring(last), atStart && last == 0);
        }
    }
}
