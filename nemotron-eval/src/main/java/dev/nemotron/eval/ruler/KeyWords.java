package dev.nemotron.eval.ruler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The words of "words" needle keys and values: adjective-noun pairs such as {@code quiet-harbor},
 * as RULER builds them from the {@code wonderwords} lists. The two lists here were written for
 * this project ({@code key-adjectives.txt}, {@code key-nouns.txt}: about 190 × 175 pairs).
 */
final class KeyWords {
    static final List<String> ADJECTIVES = read("key-adjectives.txt");
    static final List<String> NOUNS = read("key-nouns.txt");

    private KeyWords() {
    }

    /** The number of distinct pairs. */
    static long pairs() {
        return (long) ADJECTIVES.size() * NOUNS.size();
    }

    /** Pair number {@code i} in [0, {@link #pairs()}): {@code adjective-noun}. */
    static String pair(long i) {
        return ADJECTIVES.get((int) (i / NOUNS.size())) + "-" + NOUNS.get((int) (i % NOUNS.size()));
    }

    private static List<String> read(String resource) {
        try (InputStream in = KeyWords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from nemotron-eval");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
