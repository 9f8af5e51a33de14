package dev.nemotron.text.tokenizer.normalizer;

import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.text.Regexes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code Replace}: replaces every match of a string or regex pattern with {@code content}. */
public final class ReplaceNormalizer implements Normalizer {
    private final Pattern pattern;
    private final String content;

    public ReplaceNormalizer(Pattern pattern, String content) {
        this.pattern = pattern;
        this.content = Matcher.quoteReplacement(content);
    }

    static ReplaceNormalizer fromJson(JsonAt at) {
        return new ReplaceNormalizer(Regexes.fromPatternObject(at.require("pattern")), at.text("content"));
    }

    @Override
    public String normalize(String text) {
        return pattern.matcher(text).replaceAll(content);
    }
}
