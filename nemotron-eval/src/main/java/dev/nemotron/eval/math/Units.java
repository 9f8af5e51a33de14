package dev.nemotron.eval.math;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Units and currency words that an answer may carry and that do not change its value:
 * {@code 5 cm} ≡ {@code 5}, {@code 12 dollars} ≡ {@code 12}, {@code 3\text{ hours}} ≡ {@code 3}.
 *
 * <p>Words written bare are only removed at the end of an answer, after a number, a space or a
 * closing bracket, and only multi-letter ones (a bare {@code m} is more likely a variable).
 * Inside {@code \text{...}} single letters count too ({@code 5\text{ m}}).
 */
final class Units {
    private static final Set<String> WORDS = Set.of(
            "dollars", "dollar", "usd", "cents", "cent", "euros", "euro", "pounds", "pound", "yen", "rupees",
            "units", "unit", "mm", "cm", "km", "meters", "meter", "metres", "metre", "millimeters", "millimeter",
            "centimeters", "centimeter", "kilometers", "kilometer", "inches", "inch", "feet", "foot", "ft", "yards", "yard",
            "yd", "miles", "mile", "mph", "kph", "kg", "mg", "grams", "gram", "kilograms", "kilogram", "lbs", "lb",
            "ounces", "ounce", "oz", "tons", "ton", "liters", "liter", "litres", "litre", "ml", "gallons", "gallon",
            "seconds", "second", "sec", "secs", "minutes", "minute", "min", "mins", "hours", "hour", "hr", "hrs", "days",
            "day", "weeks", "week", "months", "month", "years", "year", "degrees", "degree", "deg", "radians", "radian");
    private static final Set<String> LETTERS = Set.of("m", "s", "g", "h", "l", "L", "K");
    private static final String WORD_ALTERNATION = String.join("|", WORDS.stream().sorted((a, b) -> b.length() - a.length()).toList());
    private static final Pattern TRAILING = Pattern.compile(
            "(?i)(?<=[\\d\\s)\\]}])\\s*(?:(?:square|sq\\.?|cubic)\\s+)?(?:" + WORD_ALTERNATION + ")"
                    + "(?:\\s*(?:per|/)\\s*(?:" + WORD_ALTERNATION + "))?(?:\\^\\{?[23]\\}?|[²³])?\\.?\\s*$");

    /** How far from the end unit words are looked for (longer than any unit phrase). */
    private static final int TAIL = 64;

    private static final Pattern TRAILING_WORDS = Pattern.compile("(?<=[\\d)}])\\s+((?:[A-Za-z]{3,}\\s*)+)$");

    private Units() {
    }

    /** Whether the content of a {@code \text{...}} is a unit ({@code "cm"}, {@code " square feet"}, {@code "m"}). */
    static boolean isUnit(String text) {
        String t = text.strip();
        if (LETTERS.contains(t)) {
            return true;
        }
        String lower = t.toLowerCase(Locale.ROOT).replaceFirst("^(square|sq\\.?|cubic)\\s+", "");
        String[] perParts = lower.split("\\s*(?:\\bper\\b|/)\\s*", -1);
        for (String part : perParts) {
            if (!WORDS.contains(part.strip())) {
                return false;
            }
        }
        return !lower.isBlank();
    }

    /**
     * {@code s} without the plain words (three or more letters each, none a known name such as
     * {@code pi}) that follow a number at its end: {@code "18 students"} → {@code "18"}.
     */
    static String stripTrailingWords(String s) {
        Matcher m = TRAILING_WORDS.matcher(s);
        if (!m.find()) {
            return s;
        }
        for (String w : m.group(1).strip().split("\\s+")) {
            if (Lexer.isKnownWord(w)) {
                return s;
            }
        }
        return s.substring(0, m.start());
    }

    /** {@code s} without unit words at its end (repeatedly), unless nothing would be left. */
    static String stripTrailing(String s) {
        String current = s;
        while (true) {
            Matcher m = TRAILING.matcher(current).useTransparentBounds(true);
            m.region(Math.max(0, current.length() - TAIL), current.length());
            if (!m.find() || m.start() == 0 || current.substring(0, m.start()).isBlank()) {
                return current;
            }
            current = current.substring(0, m.start()).stripTrailing();
        }
    }
}
