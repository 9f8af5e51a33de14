package dev.nemotron.eval.reward.ifeval;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** IFEval's {@code change_case:*}, {@code startend:*} and {@code punctuation:*} instructions: case, ends and punctuation. */
final class StyleChecks {
    private StyleChecks() {
    }

    static List<Instruction.Kind> kinds() {
        return List.of(
                new Instruction.Kind("change_case:english_lowercase", Set.of(),
                        "no capital letters at all (and some letters)",
                        k -> s -> s.equals(s.toLowerCase(Locale.ROOT)) && s.codePoints().anyMatch(Character::isLetter)),
                new Instruction.Kind("change_case:english_capital", Set.of(),
                        "all capital letters (and some letters)",
                        k -> s -> s.equals(s.toUpperCase(Locale.ROOT)) && s.codePoints().anyMatch(Character::isLetter)),
                new Instruction.Kind("change_case:capital_word_frequency", Set.of("capital_relation", "capital_frequency"),
                        "words in all capitals appear less than / at least capital_frequency times", k -> {
                            Relation r = k.relation("capital_relation");
                            int n = k.count("capital_frequency", 0);
                            return s -> r.holds(Text.wordList(s).stream().filter(StyleChecks::allCapitals).count(), n);
                        }),
                new Instruction.Kind("startend:end_checker", Set.of("end_phrase"),
                        "ends with end_phrase exactly, nothing after it (any case)", k -> {
                            String end = k.text("end_phrase").strip().toLowerCase(Locale.ROOT);
                            return s -> s.strip().toLowerCase(Locale.ROOT).endsWith(end);
                        }),
                new Instruction.Kind("startend:start_checker", Set.of("start_phrase"),
                        "starts with start_phrase (any case); not in Google's IFEval, the mirror of end_checker", k -> {
                            String start = k.text("start_phrase").strip().toLowerCase(Locale.ROOT);
                            return s -> s.strip().toLowerCase(Locale.ROOT).startsWith(start);
                        }),
                new Instruction.Kind("startend:quotation", Set.of(),
                        "the whole answer is wrapped in double quotation marks", k -> s -> {
                            String t = s.strip();
                            return t.length() > 1 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"';
                        }),
                new Instruction.Kind("punctuation:no_comma", Set.of(), "no comma anywhere", k -> s -> s.indexOf(',') < 0));
    }

    private static boolean allCapitals(String word) {
        return word.codePoints().anyMatch(Character::isLetter) && word.equals(word.toUpperCase(Locale.ROOT));
    }
}
