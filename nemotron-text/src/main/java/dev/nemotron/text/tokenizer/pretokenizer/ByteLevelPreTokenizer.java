package dev.nemotron.text.tokenizer.pretokenizer;

import dev.nemotron.text.tokenizer.text.ByteLevelAlphabet;
import dev.nemotron.text.tokenizer.text.SplitBehavior;
import dev.nemotron.text.tokenizer.text.Splitter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code ByteLevel}: optionally adds a leading space, optionally splits with the GPT-2 regex, then
 * rewrites each piece as its UTF-8 bytes in the {@link ByteLevelAlphabet}.
 */
public final class ByteLevelPreTokenizer implements PreTokenizer {
    /** The GPT-2 pre-tokenization regex. */
    public static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Splitter GPT2_SPLITTER = Splitter.regex(GPT2, SplitBehavior.ISOLATED, false);

    private final boolean addPrefixSpace;
    private final boolean useRegex;

    public ByteLevelPreTokenizer(boolean addPrefixSpace, boolean useRegex) {
        this.addPrefixSpace = addPrefixSpace;
        this.useRegex = useRegex;
    }

    @Override
    public void split(String piece, boolean atStart, List<String> out) {
        if (addPrefixSpace && !piece.startsWith(" ")) {
            piece = " " + piece;
        }
        if (!useRegex) {
            out.add(ByteLevelAlphabet.encode(piece));
            return;
        }
        List<String> parts = new ArrayList<>();
        GPT2_SPLITTER.split(piece, parts);
        for (String p : parts) {
            out.add(ByteLevelAlphabet.encode(p));
        }
    }
}
