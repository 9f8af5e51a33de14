package dev.nemotron.text.tokenizer.decoder;

import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.pretokenizer.MetaspacePreTokenizer;
import dev.nemotron.text.tokenizer.text.Regexes;

/** Builds a {@link Decoder} from its {@code tokenizer.json} object. */
public final class Decoders {
    static final String SUPPORTED = "ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace, WordPiece, BPEDecoder, Sequence";

    private Decoders() {
    }

    /** The decoder at {@code at}, or {@code null} for JSON null (tokens are joined with spaces). */
    public static Decoder fromJson(JsonAt at) {
        if (at.isNull()) {
            return null;
        }
        String type = at.type();
        return switch (type) {
            case "ByteLevel" -> new ByteLevelDecoder();
            case "ByteFallback" -> new ByteFallbackDecoder();
            case "Fuse" -> new FuseDecoder();
            case "Strip" -> new StripDecoder(at.text("content"), at.integer("start", 0), at.integer("stop", 0));
            case "Replace" -> new ReplaceDecoder(Regexes.fromPatternObject(at.require("pattern")), at.text("content"));
            case "Metaspace" -> new MetaspaceDecoder(MetaspacePreTokenizer.replacement(at),
                    MetaspacePreTokenizer.scheme(at) != MetaspacePreTokenizer.PrependScheme.NEVER);
            case "WordPiece" -> new WordPieceDecoder(at.optText("prefix").orElse("##"), at.bool("cleanup", true));
            case "BPEDecoder" -> new BpeSuffixDecoder(at.optText("suffix").orElse("</w>"));
            case "Sequence" -> new SequenceDecoder(at.require("decoders").elements().stream()
                    .map(Decoders::fromJson).filter(d -> d != null).toList());
            default -> throw at.unknownType("decoder", type, SUPPORTED);
        };
    }
}
