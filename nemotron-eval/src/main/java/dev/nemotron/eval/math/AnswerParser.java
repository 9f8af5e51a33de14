package dev.nemotron.eval.math;

import dev.nemotron.eval.math.MathAnswer.Bracketed;
import dev.nemotron.eval.math.MathAnswer.Choice;
import dev.nemotron.eval.math.MathAnswer.Equation;
import dev.nemotron.eval.math.MathAnswer.Relation;
import dev.nemotron.eval.math.MathAnswer.Scalar;
import dev.nemotron.eval.math.MathAnswer.SetOf;
import dev.nemotron.eval.math.MathAnswer.Text;
import dev.nemotron.eval.math.MathAnswer.Union;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a normalised answer ({@link LatexNormalizer}) into a {@link MathAnswer}. The first rule
 * that applies wins:
 *
 * <ol>
 *   <li>empty → empty text (never equivalent to anything);</li>
 *   <li>one capital letter, optionally in parentheses ({@code B}, {@code (B)}) → a choice;</li>
 *   <li>{@code x \in S} → {@code S};</li>
 *   <li>top-level commas ({@code 1, 2} or {@code x=1, x=2}) → a bare list;</li>
 *   <li>top-level {@code \cup} → a union;</li>
 *   <li>top-level {@code =} → an equation ({@code x = 3}, {@code (x,y) = (1,2)});</li>
 *   <li>top-level {@code < <= > >=} → an inequality chain;</li>
 *   <li>{@code \{...\}} → a set; {@code (...)}, {@code [...]} and half-open mixes holding a
 *       top-level comma → a tuple or interval;</li>
 *   <li>one capital letter in parentheses and a value after a space ({@code (B) 5}) → a choice;</li>
 *   <li>a plain word of three or more letters that is not a known name ({@code Monday},
 *       {@code AZYUK}) → text;</li>
 *   <li>otherwise a scalar: a trailing {@code %} is removed and remembered, {@code \pm} and
 *       {@code \mp} give the list of both values, and the rest goes to {@link ExprParser}; what
 *       it cannot parse is kept as text.</li>
 * </ol>
 * Items, sides and parts are parsed by the same rules.
 */
final class AnswerParser {
    private static final Pattern CHOICE = Pattern.compile("\\(?([A-Z])\\)?");
    private static final Pattern CHOICE_WITH_VALUE = Pattern.compile("\\(([A-Z])\\) .*");
    private static final Pattern WORD = Pattern.compile("(?<![\\\\a-zA-Z])[a-zA-Z]{3,}");
    private static final int MAX_DEPTH = 20;
    private static final int MAX_PLUS_MINUS = 3;

    private AnswerParser() {
    }

    /** The structure of the normalised answer {@code s}; never throws. */
    static MathAnswer parse(String s) {
        return parse(s, 0);
    }

    private static MathAnswer parse(String raw, int depth) {
        String s = raw.strip();
        if (s.isEmpty() || depth > MAX_DEPTH) {
            return new Text(s);
        }
        Matcher choice = CHOICE.matcher(s);
        if (choice.matches()) {
            return new Choice(choice.group(1).charAt(0));
        }
        Matcher choiceWithValue = CHOICE_WITH_VALUE.matcher(s);
        if (choiceWithValue.matches()) {
            return new Choice(choiceWithValue.group(1).charAt(0));
        }
        List<String> in = TopLevel.split(s, "\\in");
        if (in.size() == 2) {
            return parse(in.get(1), depth + 1);
        }
        List<String> items = TopLevel.split(s, ",");
        if (items.size() > 1) {
            return new SetOf(parseAll(items, depth), false);
        }
        List<String> parts = TopLevel.split(s, "\\cup");
        if (parts.size() > 1) {
            return new Union(parseAll(parts, depth));
        }
        List<String> sides = TopLevel.split(s, "=");
        if (sides.size() > 1) {
            return new Equation(parseAll(sides, depth));
        }
        MathAnswer relation = relation(s);
        if (relation != null) {
            return relation;
        }
        if (s.startsWith("\\{") && s.endsWith("\\}") && TopLevel.wrapsWhole(s.substring(1))) {
            String inner = s.substring(2, s.length() - 2).strip();
            return new SetOf(inner.isEmpty() ? List.of() : parseAll(TopLevel.split(inner, ","), depth), true);
        }
        if ((s.startsWith("(") || s.startsWith("[")) && (s.endsWith(")") || s.endsWith("]")) && TopLevel.wrapsWhole(s)) {
            List<String> inner = TopLevel.split(s.substring(1, s.length() - 1), ",");
            if (inner.size() > 1) {
                return new Bracketed(s.charAt(0), s.charAt(s.length() - 1), parseAll(inner, depth));
            }
        }
        return scalar(s);
    }

    private static List<MathAnswer> parseAll(List<String> texts, int depth) {
        List<MathAnswer> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(parse(t, depth + 1));
        }
        return out;
    }

    /** An inequality chain split at top-level {@code < <= > >=}, or null when there is none. */
    private static MathAnswer relation(String s) {
        List<String> operands = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (depth == 0 && (c == '<' || c == '>')) {
                boolean orEqual = i + 1 < s.length() && s.charAt(i + 1) == '=';
                operands.add(s.substring(start, i));
                ops.add(c + (orEqual ? "=" : ""));
                i += orEqual ? 1 : 0;
                start = i + 1;
                continue;
            }
            depth = Math.max(0, depth + TopLevel.depthChange(c));
        }
        if (ops.isEmpty()) {
            return null;
        }
        operands.add(s.substring(start));
        try {
            return new Relation(operands.stream().map(ExprParser::parse).toList(), ops);
        } catch (ParseFailure e) {
            return new Text(s);
        }
    }

    private static MathAnswer scalar(String s) {
        if (hasWord(s)) {
            return new Text(s);
        }
        boolean percent = s.endsWith("%");
        String body = percent ? s.substring(0, s.length() - 1).strip() : s;
        List<String> variants = plusMinus(body, 0);
        try {
            if (variants.size() == 1) {
                return new Scalar(ExprParser.parse(body), percent);
            }
            List<MathAnswer> values = new ArrayList<>();
            for (String v : variants) {
                values.add(new Scalar(ExprParser.parse(v), percent));
            }
            return new SetOf(values, false);
        } catch (ParseFailure e) {
            return new Text(s);
        }
    }

    /** Whether {@code s} holds a plain word of three or more letters that is not a known name ({@code sqrt}, {@code pi}). */
    private static boolean hasWord(String s) {
        Matcher m = WORD.matcher(s);
        while (m.find()) {
            if (!Lexer.isKnownWord(m.group())) {
                return true;
            }
        }
        return false;
    }

    /** {@code s} with each {@code \pm} / {@code \mp} replaced by both signs (at most three of them). */
    private static List<String> plusMinus(String s, int expanded) {
        int pm = s.indexOf("\\pm");
        int mp = s.indexOf("\\mp");
        int at = pm < 0 ? mp : mp < 0 ? pm : Math.min(pm, mp);
        if (at < 0 || expanded >= MAX_PLUS_MINUS) {
            return List.of(s);
        }
        boolean isPm = at == pm;
        String head = s.substring(0, at);
        String tail = s.substring(at + 3);
        List<String> out = new ArrayList<>();
        out.addAll(plusMinus(head + (isPm ? "+" : "-") + tail, expanded + 1));
        out.addAll(plusMinus(head + (isPm ? "-" : "+") + tail, expanded + 1));
        return out;
    }
}
