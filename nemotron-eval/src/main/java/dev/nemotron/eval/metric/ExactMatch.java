package dev.nemotron.eval.metric;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.config.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code exact_match}: 1 when the filtered answer equals the reference after the same
 * normalisation of both, in lm-evaluation-harness's order: every {@code regexes_to_ignore} match
 * removed (in the order given), then {@code ignore_case} (lower case), {@code ignore_punctuation}
 * (ASCII punctuation, Python's {@code string.punctuation}, removed), {@code ignore_numbers}
 * (digits removed). All options default to off.
 */
public final class ExactMatch implements Metric {
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private final List<Pattern> ignore;
    private final boolean ignoreCase;
    private final boolean ignorePunctuation;
    private final boolean ignoreNumbers;

    public ExactMatch(List<Pattern> regexesToIgnore, boolean ignoreCase, boolean ignorePunctuation, boolean ignoreNumbers) {
        this.ignore = List.copyOf(regexesToIgnore);
        this.ignoreCase = ignoreCase;
        this.ignorePunctuation = ignorePunctuation;
        this.ignoreNumbers = ignoreNumbers;
    }

    /** From a metric entry's options. */
    static ExactMatch fromOptions(Fields f) {
        f.allowOnly("ignore_case", "ignore_punctuation", "ignore_numbers", "regexes_to_ignore");
        List<Pattern> patterns = new ArrayList<>();
        List<String> sources = f.strings("regexes_to_ignore");
        for (int i = 0; i < sources.size(); i++) {
            try {
                patterns.add(Pattern.compile(sources.get(i)));
            } catch (PatternSyntaxException e) {
                throw new NemotronException(f.at("regexes_to_ignore") + "[" + i + "] is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        return new ExactMatch(patterns, f.bool("ignore_case", false), f.bool("ignore_punctuation", false),
                f.bool("ignore_numbers", false));
    }

    /** The text as compared. */
    public String normalize(String text) {
        String s = text;
        for (Pattern p : ignore) {
            s = p.matcher(s).replaceAll("");
        }
        if (ignoreCase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        if (ignorePunctuation || ignoreNumbers) {
            StringBuilder b = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (ignorePunctuation && PUNCTUATION.indexOf(c) >= 0) {
                    continue;
                }
                if (ignoreNumbers && c >= '0' && c <= '9') {
                    continue;
                }
                b.append(c);
            }
            s = b.toString();
        }
        return s;
    }

    @Override
    public double score(SampleView sample) {
        if (sample.reference() == null || sample.prediction() == null) {
            return 0;
        }
        return normalize(sample.prediction()).equals(normalize(sample.reference())) ? 1 : 0;
    }
}
