package dev.nemotron.eval.ruler;

import java.util.Locale;
import java.util.Set;

/**
 * Finds sentence ends in a text split into words, standing in for the NLTK Punkt tokenizer RULER
 * uses on its essays: a word ending in {@code .}, {@code !} or {@code ?} (optionally followed by
 * closing quotes or brackets) ends a sentence when the next word starts, after any opening quote
 * or bracket, with an upper-case letter or a digit, and the word is not a common abbreviation
 * ({@code Mr.}, {@code St.}) or an initial ({@code J.}). The last word always ends a sentence.
 */
final class SentenceSplitter {
    private static final Set<String> ABBREVIATIONS = Set.of("mr.", "mrs.", "ms.", "dr.", "st.", "mt.", "messrs.", "capt.",
            "col.", "gen.", "lt.", "sr.", "jr.", "rev.", "prof.", "gov.", "sen.", "rep.", "vs.", "no.", "vol.", "ch.",
            "i.e.", "e.g.", "viz.", "cf.", "ft.", "esq.");

    private SentenceSplitter() {
    }

    /** For each word, whether a sentence ends after it. */
    static boolean[] sentenceEnds(String[] words) {
        boolean[] ends = new boolean[words.length];
        for (int i = 0; i < words.length; i++) {
            ends[i] = i == words.length - 1 || (endsWithTerminal(words[i]) && !isAbbreviation(words[i])
                    && startsSentence(words[i + 1]));
        }
        return ends;
    }

    private static boolean endsWithTerminal(String w) {
        int i = w.length() - 1;
        while (i >= 0 && isClosing(w.charAt(i))) {
            i--;
        }
        return i >= 0 && (w.charAt(i) == '.' || w.charAt(i) == '!' || w.charAt(i) == '?');
    }

    private static boolean isAbbreviation(String w) {
        int start = 0;
        while (start < w.length() && isOpening(w.charAt(start))) {
            start++;
        }
        String core = w.substring(start).toLowerCase(Locale.ROOT);
        if (ABBREVIATIONS.contains(core)) {
            return true;
        }
        return core.length() == 2 && Character.isLetter(core.charAt(0)) && core.charAt(1) == '.';
    }

    private static boolean startsSentence(String next) {
        int i = 0;
        while (i < next.length() && isOpening(next.charAt(i))) {
            i++;
        }
        if (i >= next.length()) {
            return false;
        }
        char c = next.charAt(i);
        return Character.isUpperCase(c) || Character.isDigit(c);
    }

    private static boolean isClosing(char c) {
        return c == '"' || c == '\'' || c == '\u201d' || c == '\u2019' || c == ')' || c == ']';
    }

    private static boolean isOpening(char c) {
        return c == '"' || c == '\'' || c == '\u201c' || c == '\u2018' || c == '(' || c == '[';
    }
}
