package dev.nemotron.eval.math;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites an answer into the plain form {@link AnswerParser} reads, removing what does not
 * change its value. In order:
 *
 * <ol>
 *   <li>Unicode math ({@code −}, {@code ×}, {@code ÷}, {@code π}, {@code √}, {@code ∞},
 *       {@code °}, {@code ≤}, {@code ±}, ...) becomes LaTeX; {@code \boxed{X}} and
 *       {@code \fbox{X}} become {@code X}; matrices become tuples ({@link Matrices}).</li>
 *   <li>Math delimiters go: {@code $}, {@code \$}, {@code \(} {@code \)}, {@code \[} {@code \]};
 *       so do {@code \left}, {@code \right} (with their {@code .}), {@code \big} and friends,
 *       {@code \displaystyle}, and spacing ({@code \!} to nothing, {@code \,} {@code \;}
 *       {@code \:} {@code \ } {@code ~} {@code \quad} to a space); {@code {,}} becomes {@code ,}.</li>
 *   <li>{@code \text{...}}, {@code \mathrm{...}}, {@code \mbox{...}}, {@code \textbf{...}} and
 *       similar wrappers: a unit inside ({@link Units}) is dropped with any {@code ^2}/{@code ^3}
 *       after it; other content is kept without the wrapper ({@code \text{(A)}} → {@code (A)}).</li>
 *   <li>Degrees ({@code ^\circ}, {@code ^{\circ}}, {@code \degree}) are dropped; {@code \%},
 *       {@code %} and the word "percent" become a trailing {@code %} that the parser records.</li>
 *   <li>Synonyms: {@code \dfrac} {@code \tfrac} {@code \cfrac} → {@code \frac}; {@code \cdot}
 *       {@code \times} → {@code *}; {@code \div} → {@code /}; {@code \le} {@code \leq} →
 *       {@code <=} (and {@code \ge}, {@code \lt}, {@code \gt}); {@code \lbrace} → {@code \{};
 *       {@code \langle} {@code \rangle} → parentheses; {@code \emptyset} → {@code \{\}}.</li>
 *   <li>The words "or" and "and" between items become commas ({@code x=1 \text{ or } x=2}). Unit
 *       words at the end are dropped ({@code 5 cm}, {@code 12 dollars}), and so are any plain words
 *       of three or more letters after a number at the end ({@code 18 students}, {@code \text{5 apples}}); then white
 *       space is collapsed and trailing {@code . , ; :} removed.</li>
 *   <li>A whole answer that is one number with thousands separators ({@code 7,425,000} or
 *       {@code 7 425 000}) loses them: a comma followed by exactly three digits inside one number.
 *       Anything in brackets ({@code (1,000)}) or with other comma groups ({@code 1,2}) is a list.</li>
 *   <li>A whole answer {@code 2 1/2} (integer, space, proper fraction) is the mixed number
 *       {@code (2+1/2)}.</li>
 * </ol>
 */
final class LatexNormalizer {
    /** Answers longer than this are compared as text only (a guard against pathological input). */
    static final int MAX_LENGTH = 2000;

    private static final Map<String, String> UNICODE = Map.ofEntries(
            Map.entry("\u2212", "-"), Map.entry("\u2013", "-"), Map.entry("\u00d7", "\\times "), Map.entry("\u00b7", "\\cdot "),
            Map.entry("\u22c5", "\\cdot "), Map.entry("\u00f7", "\\div "), Map.entry("\u03c0", "\\pi "),
            Map.entry("\u221e", "\\infty "), Map.entry("\u221a", "\\sqrt"), Map.entry("\u00b0", "^\\circ "),
            Map.entry("\u2264", "\\le "), Map.entry("\u2265", "\\ge "), Map.entry("\u2260", "\\ne "),
            Map.entry("\u00b1", "\\pm "), Map.entry("\u222a", "\\cup "), Map.entry("\u2208", "\\in "),
            Map.entry("\u00a0", " "), Map.entry("\u2009", " "), Map.entry("\u202f", " "), Map.entry("\u00b2", "^2"),
            Map.entry("\u00b3", "^3"), Map.entry("\u2205", "\\emptyset "));
    private static final List<String> BOXES = List.of("boxed", "fbox");
    private static final List<String> WRAPPERS = List.of("text", "textbf", "textit", "textrm", "textsf", "texttt",
            "textnormal", "mathrm", "mathbf", "mathit", "mathsf", "mathnormal", "mathtt", "boldsymbol", "bm", "mbox",
            "hbox", "emph", "operatorname");
    private static final Pattern SIZING = Pattern.compile(
            "\\\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\\s*\\.?");
    private static final Pattern STYLE = Pattern.compile("\\\\(?:displaystyle|textstyle|scriptstyle|limits)(?![a-zA-Z])");
    private static final Pattern SPACES = Pattern.compile("\\\\[,;: ]|~|\\\\q?quad(?![a-zA-Z])");
    private static final Pattern DEGREES = Pattern.compile("\\^\\s*\\{?\\s*\\\\circ\\s*\\}?|\\\\circ(?![a-zA-Z])|\\\\degree(?![a-zA-Z])");
    private static final Pattern PERCENT_WORD = Pattern.compile("(?i)\\s*\\b(?:percent|per\\s+cent)\\b");
    private static final Map<String, String> SYNONYMS = Map.ofEntries(
            Map.entry("dfrac", "\\frac"), Map.entry("tfrac", "\\frac"), Map.entry("cfrac", "\\frac"),
            Map.entry("cdot", "*"), Map.entry("times", "*"), Map.entry("ast", "*"), Map.entry("div", "/"),
            Map.entry("le", "<="), Map.entry("leq", "<="), Map.entry("leqslant", "<="), Map.entry("ge", ">="),
            Map.entry("geq", ">="), Map.entry("geqslant", ">="), Map.entry("lt", "<"), Map.entry("gt", ">"),
            Map.entry("ne", "!="), Map.entry("neq", "!="), Map.entry("lbrace", "\\{"), Map.entry("rbrace", "\\}"),
            Map.entry("langle", "("), Map.entry("rangle", ")"), Map.entry("lvert", "|"), Map.entry("rvert", "|"),
            Map.entry("vert", "|"), Map.entry("emptyset", "\\{\\}"), Map.entry("varnothing", "\\{\\}"),
            Map.entry("infin", "\\infty"), Map.entry("dots", "..."), Map.entry("ldots", "..."), Map.entry("cdots", "..."));
    private static final Pattern CONNECTIVE = Pattern.compile("(?i)\\s+(?:or|and)\\s+");
    private static final Pattern COMMAND = Pattern.compile("\\\\([a-zA-Z]+)");
    private static final Pattern THOUSANDS_COMMA = Pattern.compile("[-+]?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?%?");
    private static final Pattern THOUSANDS_SPACE = Pattern.compile("[-+]?\\d{1,3}(?: \\d{3})+(?:\\.\\d+)?%?");
    private static final Pattern MIXED = Pattern.compile("(-?)(\\d+) (\\d+)/(\\d+)");
    private static final Pattern UNIT_POWER = Pattern.compile("^\\s*(?:\\^\\s*\\{?\\s*[23]\\s*\\}?)");

    private LatexNormalizer() {
    }

    /** The normal form of {@code answer} (see the class comment); {@code ""} for null. */
    static String normalize(String answer) {
        if (answer == null) {
            return "";
        }
        String s = answer.strip();
        if (s.length() > MAX_LENGTH) {
            return s;
        }
        s = unicode(s);
        s = unwrapAll(s, BOXES, false);
        s = Matrices.toTuples(s);
        s = s.replace("\\\\", " ").replace("\\$", " ").replace("$", " ");
        s = s.replace("\\(", " ").replace("\\)", " ").replace("\\[", " ").replace("\\]", " ");
        s = SIZING.matcher(s).replaceAll("");
        s = STYLE.matcher(s).replaceAll("");
        s = s.replace("\\!", "");
        s = SPACES.matcher(s).replaceAll(" ");
        s = s.replace("{,}", ",");
        s = unwrapAll(s, WRAPPERS, true);
        s = DEGREES.matcher(s).replaceAll(" ");
        s = s.replace("\\%", "%");
        s = PERCENT_WORD.matcher(s).replaceAll("%");
        s = synonyms(s);
        s = CONNECTIVE.matcher(s).replaceAll(", ");
        s = Units.stripTrailing(s);
        s = Units.stripTrailingWords(s);
        s = tidy(s);
        s = percentLast(s);
        if (THOUSANDS_COMMA.matcher(s).matches()) {
            s = s.replace(",", "");
        } else if (THOUSANDS_SPACE.matcher(s).matches()) {
            s = s.replace(" ", "");
        }
        Matcher mixed = MIXED.matcher(s);
        if (mixed.matches() && Long.parseLong(mixed.group(3)) < Long.parseLong(mixed.group(4))) {
            s = mixed.group(1) + "(" + mixed.group(2) + "+" + mixed.group(3) + "/" + mixed.group(4) + ")";
        }
        return s;
    }

    private static String unicode(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            String repl = UNICODE.get(Character.toString(cp));
            sb.append(repl != null ? repl : Character.toString(cp));
        });
        return sb.toString();
    }

    /**
     * Replaces every {@code \cmd{X}} of {@code commands} by its content, innermost last; with
     * {@code units}, a content that is a unit is dropped instead (with a {@code ^2} after it), and
     * the content of {@code \operatorname{f}} becomes the command {@code \f}.
     */
    private static String unwrapAll(String s, List<String> commands, boolean units) {
        String current = s;
        for (int round = 0; round < 20; round++) {
            String next = unwrapOnce(current, commands, units);
            if (next.equals(current)) {
                return current;
            }
            current = next;
        }
        return current;
    }

    private static String unwrapOnce(String s, List<String> commands, boolean units) {
        for (String name : commands) {
            int at = BraceGroups.findCommand(s, name, 0);
            while (at >= 0) {
                int open = BraceGroups.skipSpaces(s, at + name.length() + 1);
                int close = BraceGroups.closing(s, open);
                if (close < 0) {
                    at = BraceGroups.findCommand(s, name, at + 1);
                    continue;
                }
                String content = s.substring(open + 1, close);
                String rest = s.substring(close + 1);
                String replacement;
                if (units && Units.isUnit(content)) {
                    replacement = " ";
                    rest = UNIT_POWER.matcher(rest).replaceFirst("");
                } else if (name.equals("operatorname") && content.strip().matches("[a-zA-Z]+")) {
                    replacement = "\\" + content.strip() + " ";
                } else {
                    replacement = units && content.chars().anyMatch(Character::isLetter) ? " " + content + " " : content;
                }
                return s.substring(0, at) + replacement + rest;
            }
        }
        return s;
    }

    private static String synonyms(String s) {
        Matcher m = COMMAND.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String repl = SYNONYMS.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(repl != null ? " " + repl + " " : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Collapses white space and removes trailing {@code . , ; :}. */
    private static String tidy(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        while (!t.isEmpty() && ".,;:".indexOf(t.charAt(t.length() - 1)) >= 0) {
            t = t.substring(0, t.length() - 1).stripTrailing();
        }
        return t;
    }

    /** Writes a trailing percent sign right after its number: {@code "28 %"} → {@code "28%"}. */
    private static String percentLast(String s) {
        return s.endsWith("%") ? s.substring(0, s.length() - 1).strip() + "%" : s;
    }
}
