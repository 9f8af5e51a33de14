package dev.nemotron.text.tokenizer.decoder;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code Replace}: replaces every match of a pattern in each token (e.g. {@code ▁} by a space). */
public final class ReplaceDecoder implements Decoder {
    private final Pattern pattern;
    private final String content;

    public ReplaceDecoder(Pattern pattern, String content) {
        this.pattern = pattern;
        this.content = Matcher.quoteReplacement(content);
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            out.add(pattern.matcher(t).replaceAll(content));
        }
        return out;
    }
}
