package dev.nemotron.eval.reward.ifeval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** IFEval's {@code length_constraints:*} instructions: counts of words, sentences and paragraphs. */
final class LengthChecks {
    /** Paragraphs of {@code number_paragraphs} are separated by a Markdown divider {@code ***}. */
    private static final Pattern DIVIDER = Pattern.compile("\\s?\\*\\*\\*\\s?");
    /** Paragraphs of {@code nth_paragraph_first_word} are separated by a blank line. */
    private static final Pattern BLANK_LINE = Pattern.compile("\\n\\s*\\n");

    private LengthChecks() {
    }

    static List<Instruction.Kind> kinds() {
        return List.of(
                new Instruction.Kind("length_constraints:number_words", Set.of("relation", "num_words"),
                        "the answer has less than / at least num_words words", k -> {
                            Relation r = k.relation("relation");
                            int n = k.count("num_words", 0);
                            return s -> r.holds(Text.words(s), n);
                        }),
                new Instruction.Kind("length_constraints:number_sentences", Set.of("relation", "num_sentences"),
                        "the answer has less than / at least num_sentences sentences", k -> {
                            Relation r = k.relation("relation");
                            int n = k.count("num_sentences", 0);
                            return s -> r.holds(Text.sentences(s), n);
                        }),
                new Instruction.Kind("length_constraints:number_paragraphs", Set.of("num_paragraphs"),
                        "exactly num_paragraphs paragraphs separated by the divider ***", k -> {
                            int n = k.count("num_paragraphs", 1);
                            return s -> dividedParagraphs(s) == n;
                        }),
                new Instruction.Kind("length_constraints:nth_paragraph_first_word",
                        Set.of("num_paragraphs", "nth_paragraph", "first_word"),
                        "exactly num_paragraphs paragraphs separated by blank lines, paragraph nth_paragraph (from 1) starting with first_word",
                        k -> {
                            int n = k.count("num_paragraphs", 1);
                            int nth = k.count("nth_paragraph", 1);
                            if (nth > n) {
                                throw k.error("kwarg nth_paragraph: " + nth + " is more than num_paragraphs " + n);
                            }
                            String first = k.text("first_word").strip().toLowerCase(Locale.ROOT);
                            return s -> {
                                List<String> ps = blankLineParagraphs(s);
                                if (ps.size() != n) {
                                    return false;
                                }
                                List<String> words = Text.wordList(ps.get(nth - 1));
                                return !words.isEmpty() && words.getFirst().toLowerCase(Locale.ROOT).equals(first);
                            };
                        }));
    }

    /** Paragraphs between dividers; an empty one at either end is ignored, one in the middle makes the count -1 (never equal). */
    static int dividedParagraphs(String s) {
        String[] parts = DIVIDER.split(s, -1);
        int n = parts.length;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isBlank()) {
                if (i == 0 || i == parts.length - 1) {
                    n--;
                } else {
                    return -1;
                }
            }
        }
        return n;
    }

    /** The non-blank paragraphs between blank lines. */
    static List<String> blankLineParagraphs(String s) {
        List<String> out = new ArrayList<>();
        for (String p : BLANK_LINE.split(s.replace("\r\n", "\n"), -1)) {
            if (!p.isBlank()) {
                out.add(p.strip());
            }
        }
        return out;
    }
}
