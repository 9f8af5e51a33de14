package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * RULER's common words extraction ({@code cwe}): a numbered list ({@code 1. word 2. word …}) in
 * which 10 words appear {@code freq_cw} times each and the others {@code freq_ucw} times, shuffled;
 * the answer is the 10 common words. As RULER: 30 and 3 repeats from 4096 tokens up, 6 and 1
 * below; one worked example first (40 words at 10/3, or 20 words at 3/1 below 4096) with its
 * answer. The size is the number of uncommon words. The example's words are kept apart from the
 * sample's, so that its answer cannot mislead.
 */
final class CommonWordsDesign implements SampleDesign {
    static final int COMMON = 10;

    private final List<String> vocabulary;
    private final int freqCommon;
    private final int freqUncommon;
    private final int exampleWords;
    private final String example;
    private final long shuffleSeed;
    private final SizeModel sizes;
    private final Map<String, Object> details = new LinkedHashMap<>();

    CommonWordsDesign(int length, Random rng, PieceCounter counter) {
        boolean shortContext = length < 4096;
        freqCommon = shortContext ? 6 : 30;
        freqUncommon = shortContext ? 1 : 3;
        exampleWords = shortContext ? 20 : 40;
        vocabulary = new ArrayList<>(CommonWordsVocabulary.words());
        Collections.shuffle(vocabulary, rng);
        List<String> exampleList = vocabulary.subList(0, exampleWords);
        List<String> exampleCommon = exampleList.subList(0, COMMON);
        String exampleContext = numbered(expand(exampleCommon, shortContext ? 3 : 10, exampleList.subList(COMMON, exampleWords),
                shortContext ? 1 : 3, rng.nextLong()));
        example = RulerTemplates.CWE_HEAD + exampleContext + RulerTemplates.CWE_TAIL + RulerTemplates.CWE_ANSWER_PREFIX + " "
                + numbered(exampleCommon) + "\n";
        shuffleSeed = rng.nextLong();
        int common0 = COMMON * freqCommon;
        LazyPrefix numbers = new LazyPrefix(i -> counter.count(" " + (i + 1) + "."));
        LazyPrefix words = new LazyPrefix(i -> counter.count(" " + uncommon(i)));
        long fixed = numbers.sum(common0);
        int limit = vocabulary.size() - exampleWords - COMMON;
        sizes = new SizeModel() {
            @Override
            public long estimate(int n) {
                return numbers.sum(common0 + n * freqUncommon) - fixed + freqUncommon * words.sum(n);
            }

            @Override
            public int limit() {
                return limit;
            }
        };
        details.put("common_words", COMMON);
        details.put("freq_common", freqCommon);
        details.put("freq_uncommon", freqUncommon);
    }

    private String uncommon(int i) {
        return vocabulary.get(exampleWords + COMMON + i);
    }

    private List<String> common() {
        return vocabulary.subList(exampleWords, exampleWords + COMMON);
    }

    private static List<String> expand(List<String> common, int fc, List<String> uncommon, int fu, long seed) {
        List<String> all = new ArrayList<>();
        for (int r = 0; r < fc; r++) {
            all.addAll(common);
        }
        for (int r = 0; r < fu; r++) {
            all.addAll(uncommon);
        }
        Collections.shuffle(all, new Random(seed));
        return all;
    }

    private static String numbered(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(i + 1).append(". ").append(words.get(i));
        }
        return sb.toString();
    }

    @Override
    public SizeModel sizes() {
        return sizes;
    }

    @Override
    public String sizeName() {
        return "uncommon words";
    }

    @Override
    public Draft draft(int size) {
        if (size > sizes.limit()) {
            throw new NemotronException("cwe: " + size + " uncommon words asked, the vocabulary has " + sizes.limit());
        }
        List<String> uncommon = vocabulary.subList(exampleWords + COMMON, exampleWords + COMMON + size);
        List<String> list = expand(common(), freqCommon, uncommon, freqUncommon, shuffleSeed);
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("words", COMMON + size);
        d.put("entries", list.size());
        String input = example + RulerTemplates.CWE_HEAD + numbered(list) + RulerTemplates.CWE_TAIL;
        return new Draft(input, RulerTemplates.CWE_ANSWER_PREFIX, List.copyOf(common()), List.of(), "word-list", size,
                list.size(), d);
    }
}
