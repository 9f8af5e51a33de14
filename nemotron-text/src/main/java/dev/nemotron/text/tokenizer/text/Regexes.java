package dev.nemotron.text.tokenizer.text;

import dev.nemotron.text.tokenizer.json.JsonAt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the regexes of {@code tokenizer.json} (written for Oniguruma / Rust) as Java patterns.
 * {@link Pattern#UNICODE_CHARACTER_CLASS} makes {@code \s}, {@code \w}, {@code \d} Unicode-aware
 * as they are there; script and binary-property names ({@code \p{Han}}, {@code \p{Alphabetic}})
 * are given Java's {@code Is} prefix.
 */
public final class Regexes {
    private static final Pattern PROPERTY = Pattern.compile("\\\\([pP])\\{\\^?([A-Za-z_]{3,})}");

    private Regexes() {
    }

    /** A pattern for an HF {@code {"Regex": "..."}} or {@code {"String": "..."}} object at {@code at}. */
    public static Pattern fromPatternObject(JsonAt at) {
        if (at.has("Regex")) {
            return compile(at.get("Regex"));
        }
        if (at.has("String")) {
            return Pattern.compile(Pattern.quote(at.get("String").text()));
        }
        throw at.error("expected {\"Regex\": ...} or {\"String\": ...}");
    }

    /** Compiles the regex string at {@code at}, naming it in the error when Java cannot. */
    public static Pattern compile(JsonAt at) {
        String regex = at.text();
        try {
            return Pattern.compile(translate(regex), Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw at.error("unsupported regex: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    static String translate(String regex) {
        Matcher m = PROPERTY.matcher(regex);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            boolean negated = m.group().contains("{^");
            String repl = name.startsWith("Is") || name.startsWith("In") ? m.group() : "\\" + m.group(1) + "{" + (negated ? "^" : "") + "Is" + name + "}";
            if (negated && !repl.equals(m.group())) {
                // Java has no {^...}: flip p/P instead.
                repl = "\\" + (m.group(1).equals("p") ? "P" : "p") + "{Is" + name + "}";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(repl));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
