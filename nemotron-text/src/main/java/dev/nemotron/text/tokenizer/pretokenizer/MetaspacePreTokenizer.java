package dev.nemotron.text.tokenizer.pretokenizer;

import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.text.SplitBehavior;
import dev.nemotron.text.tokenizer.text.Splitter;
import java.util.List;

/**
 * {@code Metaspace} (SentencePiece style): spaces become the replacement character ({@code ▁}),
 * which is prepended according to {@code prepend_scheme} ({@code always}, {@code first}: only at
 * the start of the input, {@code never}); with {@code split} the text is split before each
 * replacement character.
 */
public final class MetaspacePreTokenizer implements PreTokenizer {
    /** When to prepend the replacement character. */
    public enum PrependScheme { ALWAYS, FIRST, NEVER }

    private final String replacement;
    private final PrependScheme scheme;
    private final Splitter splitter;

    public MetaspacePreTokenizer(String replacement, PrependScheme scheme, boolean split) {
        this.replacement = replacement;
        this.scheme = scheme;
        int cp = replacement.codePointAt(0);
        this.splitter = split ? Splitter.chars(c -> c == cp, SplitBehavior.MERGED_WITH_NEXT) : null;
    }

    static MetaspacePreTokenizer fromJson(JsonAt at) {
        return new MetaspacePreTokenizer(replacement(at), scheme(at), at.bool("split", true));
    }

    /** The {@code replacement} field: one character. */
    public static String replacement(JsonAt at) {
        String r = at.has("replacement") ? at.text("replacement") : "\u2581";
        if (r.codePointCount(0, r.length()) != 1) {
            throw at.get("replacement").error("expected a single character, got '" + r + "'");
        }
        return r;
    }

    /** {@code prepend_scheme}, or the legacy {@code add_prefix_space} (true = always). */
    public static PrependScheme scheme(JsonAt at) {
        if (at.has("prepend_scheme")) {
            String s = at.text("prepend_scheme");
            return switch (s) {
                case "always" -> PrependScheme.ALWAYS;
                case "first" -> PrependScheme.FIRST;
                case "never" -> PrependScheme.NEVER;
                default -> throw at.get("prepend_scheme").error("unknown prepend_scheme '" + s + "' (supported: always, first, never)");
            };
        }
        return at.bool("add_prefix_space", true) ? PrependScheme.ALWAYS : PrependScheme.NEVER;
    }

    @Override
    public void split(String piece, boolean atStart, List<String> out) {
        if (piece.isEmpty()) {
            return;
        }
        String s = piece.replace(" ", replacement);
        boolean prepend = switch (scheme) {
            case ALWAYS -> true;
            case FIRST -> atStart;
            case NEVER -> false;
        };
        if (prepend && !s.startsWith(replacement)) {
            s = replacement + s;
        }
        if (splitter == null) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        } else {
            splitter.split(s, out);
        }
    }
}
