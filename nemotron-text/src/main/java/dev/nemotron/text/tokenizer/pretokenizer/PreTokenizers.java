package dev.nemotron.text.tokenizer.pretokenizer;

import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.text.Chars;
import dev.nemotron.text.tokenizer.text.Regexes;
import dev.nemotron.text.tokenizer.text.SplitBehavior;
import dev.nemotron.text.tokenizer.text.Splitter;
import java.util.regex.Pattern;

/** Builds a {@link PreTokenizer} from its {@code tokenizer.json} object. */
public final class PreTokenizers {
    static final String SUPPORTED = "Split, ByteLevel, Digits, Whitespace, WhitespaceSplit, Metaspace, Punctuation, "
            + "BertPreTokenizer, CharDelimiterSplit, Sequence";
    /** HF's {@code Whitespace}: words and runs of other non-space characters. */
    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    private PreTokenizers() {
    }

    /** The pre-tokenizer at {@code at}, or {@code null} for JSON null (the whole text is one piece). */
    public static PreTokenizer fromJson(JsonAt at) {
        if (at.isNull()) {
            return null;
        }
        String type = at.type();
        return switch (type) {
            case "Split" -> new SplitPreTokenizer(Splitter.regex(Regexes.fromPatternObject(at.require("pattern")),
                    SplitBehavior.parse(at.require("behavior")), at.bool("invert", false)));
            case "ByteLevel" -> new ByteLevelPreTokenizer(at.bool("add_prefix_space", true), at.bool("use_regex", true));
            case "Digits" -> new SplitPreTokenizer(Splitter.chars(Chars::isNumeric,
                    at.bool("individual_digits", false) ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS));
            case "Whitespace" -> new SplitPreTokenizer(Splitter.regex(WORDS, SplitBehavior.REMOVED, true));
            case "WhitespaceSplit" -> new SplitPreTokenizer(Splitter.chars(Chars::isWhitespace, SplitBehavior.REMOVED));
            case "Punctuation" -> new SplitPreTokenizer(Splitter.chars(Chars::isPunctuation,
                    at.has("behavior") ? SplitBehavior.parse(at.get("behavior")) : SplitBehavior.ISOLATED));
            case "BertPreTokenizer" -> new SequencePreTokenizer(java.util.List.of(
                    new SplitPreTokenizer(Splitter.chars(Chars::isWhitespace, SplitBehavior.REMOVED)),
                    new SplitPreTokenizer(Splitter.chars(Chars::isPunctuation, SplitBehavior.ISOLATED))));
            case "CharDelimiterSplit" -> charDelimiter(at);
            case "Metaspace" -> MetaspacePreTokenizer.fromJson(at);
            case "Sequence" -> new SequencePreTokenizer(at.require("pretokenizers").elements().stream()
                    .map(PreTokenizers::fromJson).filter(p -> p != null).toList());
            default -> throw at.unknownType("pre-tokenizer", type, SUPPORTED);
        };
    }

    private static PreTokenizer charDelimiter(JsonAt at) {
        String d = at.text("delimiter");
        if (d.codePointCount(0, d.length()) != 1) {
            throw at.get("delimiter").error("expected a single character, got '" + d + "'");
        }
        int cp = d.codePointAt(0);
        return new SplitPreTokenizer(Splitter.chars(c -> c == cp, SplitBehavior.REMOVED));
    }
}
