package dev.nemotron.eval.filter;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.config.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code {type: regex, pattern: "#### (-?[0-9.,]+)", group: 1, select: first|last|N, fallback: "[invalid]"}}:
 * the text of one match of {@code pattern} (Java syntax).
 *
 * <ul>
 *   <li>{@code group}: which capturing group (default: 1 when the pattern has groups, else the
 *       whole match); when that group did not take part in the match (alternatives), the first
 *       group that did is used, as lm-evaluation-harness does with its match tuples;</li>
 *   <li>{@code select}: {@code first} (default), {@code last}, or a match number (negative counts
 *       from the end: -1 is the last);</li>
 *   <li>{@code fallback}: the result when nothing matches (default {@code "[invalid]"}, which no
 *       reference equals).</li>
 * </ul>
 */
public final class RegexFilter implements AnswerFilter {
    /** The fallback when no match is found, unless the task says otherwise. */
    public static final String INVALID = "[invalid]";

    private final Pattern pattern;
    private final int group;
    private final int select;
    private final String fallback;

    /**
     * @param group  capturing group, or -1 for "1 if there are groups, else 0"
     * @param select match number from 0, negative from the end
     */
    public RegexFilter(Pattern pattern, int group, int select, String fallback) {
        this.pattern = pattern;
        this.group = group < 0 ? (pattern.matcher("").groupCount() > 0 ? 1 : 0) : group;
        this.select = select;
        this.fallback = fallback;
        if (this.group > pattern.matcher("").groupCount()) {
            throw new NemotronException("regex filter: group " + group + " but the pattern has "
                    + pattern.matcher("").groupCount() + " groups");
        }
    }

    /** Reads the options of one {@code filters} entry. */
    static RegexFilter fromOptions(Fields f) {
        f.allowOnly("type", "pattern", "group", "select", "fallback");
        String source = f.string("pattern");
        Pattern p;
        try {
            p = Pattern.compile(source);
        } catch (PatternSyntaxException e) {
            throw new NemotronException(f.at("pattern") + " is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
        Integer group = f.integer("group");
        int groups = p.matcher("").groupCount();
        if (group != null && (group < 0 || group > groups)) {
            throw new NemotronException(f.at("group") + " must be in 0.." + groups + " (the pattern's groups), got " + group);
        }
        return new RegexFilter(p, group == null ? -1 : group, select(f), f.string("fallback", INVALID));
    }

    private static int select(Fields f) {
        var raw = f.raw("select");
        if (raw == null) {
            return 0;
        }
        if (raw.isIntegralNumber() && raw.canConvertToInt()) {
            return raw.intValue();
        }
        if (raw.isTextual() && raw.textValue().equals("first")) {
            return 0;
        }
        if (raw.isTextual() && raw.textValue().equals("last")) {
            return -1;
        }
        throw new NemotronException(f.at("select") + " must be first, last or a match number, got " + Fields.shown(raw));
    }

    @Override
    public String apply(String text) {
        Matcher m = pattern.matcher(text);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            String g = m.group(group);
            if (g == null) {
                for (int i = 1; i <= m.groupCount() && g == null; i++) {
                    g = m.group(i);
                }
            }
            found.add(g == null ? m.group() : g);
            if (select >= 0 && found.size() > select) {
                break;
            }
        }
        int index = select >= 0 ? select : found.size() + select;
        return index >= 0 && index < found.size() ? found.get(index) : fallback;
    }
}
