package dev.nemotron.text.tokenizer.pretokenizer;

import dev.nemotron.text.tokenizer.text.Splitter;
import java.util.List;

/**
 * Pre-tokenizers that only split around delimiters: {@code Split} (regex or string pattern,
 * behaviour, invert), {@code Digits}, {@code Whitespace}, {@code WhitespaceSplit},
 * {@code Punctuation}, {@code CharDelimiterSplit}.
 */
public final class SplitPreTokenizer implements PreTokenizer {
    private final Splitter splitter;

    public SplitPreTokenizer(Splitter splitter) {
        this.splitter = splitter;
    }

    @Override
    public void split(String piece, boolean atStart, List<String> out) {
        splitter.split(piece, out);
    }
}
