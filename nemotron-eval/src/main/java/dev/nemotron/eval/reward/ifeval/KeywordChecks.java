package dev.nemotron.eval.reward.ifeval;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** IFEval's {@code keywords:*} instructions: words that must, or must not, appear. */
final class KeywordChecks {
    private KeywordChecks() {
    }

    static List<Instruction.Kind> kinds() {
        return List.of(
                new Instruction.Kind("keywords:existence", Set.of("keywords"),
                        "every one of keywords appears (whole word, any case)", k -> {
                            List<Pattern> ps = k.texts("keywords").stream().map(Text::wholeWord).toList();
                            return s -> ps.stream().allMatch(p -> p.matcher(s).find());
                        }),
                new Instruction.Kind("keywords:frequency", Set.of("keyword", "relation", "frequency"),
                        "keyword appears less than / at least frequency times (whole word, any case)", k -> {
                            Pattern p = Text.wholeWord(k.text("keyword"));
                            Relation r = k.relation("relation");
                            int n = k.count("frequency", 0);
                            return s -> r.holds(Text.count(p, s), n);
                        }),
                new Instruction.Kind("keywords:forbidden_words", Set.of("forbidden_words"),
                        "none of forbidden_words appears (whole word, any case)", k -> {
                            List<Pattern> ps = k.texts("forbidden_words").stream().map(Text::wholeWord).toList();
                            return s -> ps.stream().noneMatch(p -> p.matcher(s).find());
                        }),
                new Instruction.Kind("keywords:letter_frequency", Set.of("letter", "let_relation", "let_frequency"),
                        "the letter appears less than / at least let_frequency times (any case)", k -> {
                            String letter = k.text("letter").strip().toLowerCase(Locale.ROOT);
                            if (letter.codePointCount(0, letter.length()) != 1 || !Character.isLetter(letter.codePointAt(0))) {
                                throw k.error("kwarg letter: expected one letter, got '" + letter + "'");
                            }
                            int cp = letter.codePointAt(0);
                            Relation r = k.relation("let_relation");
                            int n = k.count("let_frequency", 0);
                            return s -> r.holds(s.toLowerCase(Locale.ROOT).codePoints().filter(c -> c == cp).count(), n);
                        }));
    }
}
