package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * RULER's frequent words extraction ({@code fwe}): a vocabulary of {@code length / 50} random
 * 6-letter "coded words", word of rank {@code k} repeated {@code floor(n · k^-α / ζ(α))} times
 * ({@code α = 2}, a Zipf law), all shuffled into one text. The top-ranked word is {@code ...}
 * (noise the prompt tells the model to ignore); the answer is the words ranked 2 to 4. The size
 * {@code n} is RULER's {@code num_words}.
 */
final class FrequentWordsDesign implements SampleDesign {
    static final double ALPHA = 2.0;
    static final int WORD_LENGTH = 6;
    private static final double ZETA_2 = Math.PI * Math.PI / 6;

    private final List<String> vocabulary = new ArrayList<>();
    private final int[] pieceTokens;
    private final long shuffleSeed;
    private final int length;
    private final Map<String, Object> details = new LinkedHashMap<>();

    FrequentWordsDesign(int length, Random rng, PieceCounter counter) {
        this.length = length;
        int size = length / 50;
        if (size < 5) {
            throw new NemotronException("fwe at length " + length + ": RULER's vocabulary of length/50 words would have "
                    + size + " words, fewer than the 5 the task needs; use a length of at least 250");
        }
        Set<String> words = new LinkedHashSet<>();
        words.add("...");
        while (words.size() < size) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < WORD_LENGTH; i++) {
                sb.append((char) ('a' + rng.nextInt(26)));
            }
            words.add(sb.toString());
        }
        vocabulary.addAll(words);
        pieceTokens = new int[size];
        for (int k = 0; k < size; k++) {
            pieceTokens[k] = counter.count(" " + vocabulary.get(k));
        }
        shuffleSeed = rng.nextLong();
        details.put("vocabulary", size);
        details.put("alpha", ALPHA);
    }

    /** How often the word of 0-based rank {@code k} appears when {@code n} words are drawn. */
    static int repeats(int n, int k) {
        return (int) (n * Math.pow(k + 1, -ALPHA) / ZETA_2);
    }

    @Override
    public SizeModel sizes() {
        return new SizeModel() {
            @Override
            public long estimate(int n) {
                long sum = 0;
                for (int k = 0; k < pieceTokens.length; k++) {
                    sum += (long) repeats(n, k) * pieceTokens[k];
                }
                return sum;
            }

            @Override
            public int limit() {
                return Integer.MAX_VALUE / 2;
            }
        };
    }

    @Override
    public void check(int size) {
        if (repeats(size, 3) <= repeats(size, 4)) {
            throw new NemotronException("fwe at length " + length + ": too short for a clear top 3 (the words ranked 4 and 5"
                    + " both appear " + repeats(size, 3) + " times); use a longer length");
        }
    }

    @Override
    public String sizeName() {
        return "words (RULER's num_words)";
    }

    @Override
    public Draft draft(int size) {
        List<String> text = new ArrayList<>();
        int[] counts = new int[Math.min(5, vocabulary.size())];
        for (int k = 0; k < vocabulary.size(); k++) {
            int r = repeats(size, k);
            if (k < counts.length) {
                counts[k] = r;
            }
            for (int i = 0; i < r; i++) {
                text.add(vocabulary.get(k));
            }
        }
        Collections.shuffle(text, new Random(shuffleSeed));
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("num_words", size);
        d.put("top_counts", List.of(counts[0], counts[1], counts[2], counts[3], counts[4]));
        String input = RulerTemplates.FWE_HEAD + String.join(" ", text) + RulerTemplates.FWE_TAIL;
        return new Draft(input, RulerTemplates.FWE_ANSWER_PREFIX, List.copyOf(vocabulary.subList(1, 4)), List.of(), "coded-words",
                size, text.size(), d);
    }
}
