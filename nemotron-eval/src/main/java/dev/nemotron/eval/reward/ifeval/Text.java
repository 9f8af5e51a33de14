package dev.nemotron.eval.reward.ifeval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counting words, sentences and matches in a response, as the IFEval checkers need. */
final class Text {
    private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);
    /** A sentence ends at {@code .}, {@code !} or {@code ?} (repeated, maybe with closing quotes) before white space or the end. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?]+[\"')\\]]*(?=\\s|$)");

    private Text() {
    }

    /** Words: runs of letters, digits and underscores (as a {@code \w+} tokenizer counts them). */
    static int words(String s) {
        return count(WORD, s);
    }

    /** The words, in order. */
    static List<String> wordList(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * Sentences: pieces ending at a sentence end, plus a final piece without one, counting only
     * pieces that hold a word. Simpler than IFEval's abbreviation-aware splitter: "Dr. No" is two.
     */
    static int sentences(String s) {
        int n = 0;
        int from = 0;
        Matcher m = SENTENCE_END.matcher(s);
        while (m.find()) {
            if (words(s.substring(from, m.start())) > 0) {
                n++;
            }
            from = m.end();
        }
        return n + (words(s.substring(from)) > 0 ? 1 : 0);
    }

    /** Non-overlapping matches of {@code p} in {@code s}. */
    static int count(Pattern p, String s) {
        int n = 0;
        Matcher m = p.matcher(s);
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** {@code word} as a whole word, any case. */
    static Pattern wholeWord(String word) {
        return Pattern.compile("(?<!\\w)" + Pattern.quote(word.strip()) + "(?!\\w)",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    }
}
