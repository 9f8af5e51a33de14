package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of a generated sample made independently of the generator: the token count re-encoded,
 * needles at their recorded offsets and depths, answers present, and each task's answer correct.
 */
final class SampleChecks {
    private static final Pattern ENTRY = Pattern.compile("(\\d+)\\. (\\S+)");

    private SampleChecks() {
    }

    static void check(RulerSample s, Tokenizer tok, PromptFormat format, double tolerance, boolean reserve) {
        String what = s.task().id() + "@" + s.length() + "#" + s.index();
        PromptFormat.Rendered r = format.render(s.input(), s.answerPrefix());
        int[] ids = tok.encode(r.text());
        assertThat(ids.length).as(what + " token count").isEqualTo(s.tokens());
        int total = s.tokens() + (reserve ? s.maxNewTokens() : 0);
        assertThat(total).as(what + " length").isBetween((int) Math.ceil((1 - tolerance) * s.length()), s.length());
        assertThat(s.promptFormat()).isEqualTo(format.name());
        for (String answer : s.outputs()) {
            assertThat(s.input()).as(what + " answer " + answer).contains(answer);
        }
        for (NeedlePosition n : s.needles()) {
            checkNeedle(s, n, tok, r, ids, what);
        }
        switch (s.task().family()) {
            case NIAH -> checkNiah(s, what);
            case VT -> checkVt(s, what);
            case CWE -> checkCwe(s, what);
            case FWE -> checkFwe(s, what);
        }
    }

    private static void checkNeedle(RulerSample s, NeedlePosition n, Tokenizer tok, PromptFormat.Rendered r, int[] ids, String what) {
        assertThat(s.input().startsWith(n.text(), n.charOffset())).as(what + " needle at its offset: " + n).isTrue();
        assertThat(n.units()).isEqualTo(s.haystackUnits());
        assertThat(n.unit()).as(what + " unit of depth " + n.depth())
                .isEqualTo((int) Math.min(n.units(), Math.floor(n.depth() * n.units() + 1e-9)));
        assertThat(Math.abs(n.unit() - n.depth() * n.units())).as(what + " depth within one unit").isLessThanOrEqualTo(1.0);
        int promptOffset = r.inputStart() + n.charOffset();
        if (s.length() <= 16384) {
            assertThat(n.tokenOffset()).as(what + " token offset").isEqualTo(tok.encode(r.text().substring(0, promptOffset)).length);
        }
        // in the whole prompt's tokens, the needle's first word starts within a token of the recorded offset
        String firstWord = n.text().substring(0, n.text().indexOf(' '));
        String window = tok.decode(Arrays.copyOfRange(ids, Math.max(0, n.tokenOffset() - 1), Math.min(ids.length, n.tokenOffset() + 2)),
                false);
        assertThat(window).as(what + " tokens at the needle's offset").contains(firstWord.substring(0, 2));
        // the needle sits after a whole number of haystack units
        List<String> others = s.needles().stream().map(NeedlePosition::text).toList();
        String prefix = s.input().substring(0, n.charOffset());
        int contextStart = contextStart(s);
        String haystackBefore = prefix.substring(contextStart);
        for (String o : others) {
            haystackBefore = haystackBefore.replace(o, "");
        }
        haystackBefore = haystackBefore.strip();
        assertThat(unitsIn(s, haystackBefore)).as(what + " whole units before " + n.text()).isEqualTo(n.unit());
    }

    /** Where the context starts in the input: after the (last) instruction line of the task. */
    private static int contextStart(RulerSample s) {
        return switch (s.task().family()) {
            case NIAH -> s.input().indexOf("afterwards.\n") + "afterwards.\n".length();
            case VT -> s.input().lastIndexOf(RulerTemplates.VT_HEAD) + RulerTemplates.VT_HEAD.length();
            default -> throw new AssertionError("no needles in " + s.task());
        };
    }

    private static int unitsIn(RulerSample s, String haystack) {
        if (haystack.isEmpty()) {
            return 0;
        }
        if (s.haystack().startsWith("essay:")) {
            String[] words = haystack.split("\\s+");
            assertThat(words[words.length - 1]).as("haystack before a needle ends a sentence").matches(".*[.!?][\"'\u201d\u2019)\\]]*");
            boolean[] ends = SentenceSplitter.sentenceEnds(words);
            int n = 0;
            for (boolean e : ends) {
                n += e ? 1 : 0;
            }
            return n;
        }
        // noise lines and distractor needles: one unit per line
        String[] lines = haystack.split("\n+");
        if (s.haystack().equals("noise")) {
            assertThat(haystack).endsWith("There and back again.");
        }
        return lines.length;
    }

    private static void checkNiah(RulerSample s, String what) {
        String query = (String) s.details().get("query");
        assertThat(s.input()).endsWith(" for " + query + " mentioned in the provided text?");
        assertThat(s.answerPrefix()).startsWith(" The special magic ").contains(" for " + query + " mentioned");
        String valueType = (String) s.details().get("value_type");
        List<String> queried = Arrays.asList(query.replace(", and ", ", ").split(", "));
        List<String> found = new ArrayList<>();
        for (String key : queried) {
            Matcher m = Pattern.compile(Pattern.quote("One of the special magic " + valueType + " for " + key + " is: ") + "([^ \n]+)\\.")
                    .matcher(s.input());
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        assertThat(found).as(what + " values of the queried keys").containsExactlyInAnyOrderElementsOf(s.outputs());
        boolean single = s.outputs().size() == 1;
        assertThat(s.input()).startsWith(single ? "A special magic " : "Some special magic ");
        assertThat(s.answerPrefix()).endsWith(single ? " is" : " are");
    }

    private static void checkVt(RulerSample s, String what) {
        String value = (String) s.details().get("value");
        List<String> vars = s.outputs();
        assertThat(vars).hasSize(5).allMatch(v -> v.matches("[A-Z]{5}"));
        int at = s.input().indexOf("VAR " + vars.getFirst() + " = " + value);
        assertThat(at).as(what + " first assignment").isPositive();
        for (int i = 1; i < vars.size(); i++) {
            int next = s.input().indexOf("VAR " + vars.get(i) + " = VAR " + vars.get(i - 1));
            assertThat(next).as(what + " assignment " + i + " after the previous").isGreaterThan(at);
            at = next;
        }
        assertThat(s.input()).endsWith("Question: Find all variables that are assigned the value " + value + " in the text above.");
        assertThat(s.answerPrefix()).contains("5 variables are assigned the value " + value + ", they are:");
    }

    private static void checkCwe(RulerSample s, String what) {
        String list = s.input().substring(s.input().lastIndexOf(RulerTemplates.CWE_HEAD) + RulerTemplates.CWE_HEAD.length(),
                s.input().lastIndexOf(RulerTemplates.CWE_TAIL));
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = ENTRY.matcher(list);
        int expectedNumber = 1;
        while (m.find()) {
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(expectedNumber++);
            counts.merge(m.group(2), 1, Integer::sum);
        }
        assertThat(expectedNumber - 1).isEqualTo(s.haystackUnits());
        int fc = (Integer) s.details().get("freq_common");
        int fu = (Integer) s.details().get("freq_uncommon");
        assertThat(s.outputs()).hasSize(10).allSatisfy(w -> assertThat(counts.get(w)).as(what + " " + w).isEqualTo(fc));
        counts.keySet().removeAll(s.outputs());
        assertThat(counts.values()).as(what + " uncommon").allMatch(c -> c == fu);
    }

    private static void checkFwe(RulerSample s, String what) {
        String text = s.input().substring(RulerTemplates.FWE_HEAD.length(), s.input().lastIndexOf(RulerTemplates.FWE_TAIL));
        Map<String, Integer> counts = new HashMap<>();
        for (String w : text.split(" ")) {
            counts.merge(w, 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> ranked = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).toList();
        assertThat(ranked.getFirst().getKey()).isEqualTo("...");
        assertThat(ranked.subList(1, 4).stream().map(Map.Entry::getKey).toList()).as(what).containsExactlyElementsOf(s.outputs());
        assertThat(ranked.get(3).getValue()).as(what + " clear third").isGreaterThan(ranked.get(4).getValue());
    }
}
