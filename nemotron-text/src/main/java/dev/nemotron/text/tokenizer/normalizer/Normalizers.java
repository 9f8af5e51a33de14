package dev.nemotron.text.tokenizer.normalizer;

import dev.nemotron.text.tokenizer.json.JsonAt;
import java.util.List;

/** Builds a {@link Normalizer} from its {@code tokenizer.json} object. */
public final class Normalizers {
    static final String SUPPORTED = "NFC, NFD, NFKC, NFKD, Lowercase, Strip, Replace, Prepend, Sequence";

    private Normalizers() {
    }

    /** The normalizer at {@code at}, or {@code null} for JSON null (no normalization). */
    public static Normalizer fromJson(JsonAt at) {
        if (at.isNull()) {
            return null;
        }
        String type = at.type();
        return switch (type) {
            case "NFC" -> UnicodeNormalizer.NFC;
            case "NFD" -> UnicodeNormalizer.NFD;
            case "NFKC" -> UnicodeNormalizer.NFKC;
            case "NFKD" -> UnicodeNormalizer.NFKD;
            case "Lowercase" -> new LowercaseNormalizer();
            case "Strip" -> new StripNormalizer(at.bool("strip_left", true), at.bool("strip_right", true));
            case "Replace" -> ReplaceNormalizer.fromJson(at);
            case "Prepend" -> new PrependNormalizer(at.text("prepend"));
            case "Sequence" -> new SequenceNormalizer(at.require("normalizers").elements().stream().map(Normalizers::fromJson).toList());
            default -> throw at.unknownType("normalizer", type, SUPPORTED);
        };
    }

    static List<Normalizer> nonNull(List<Normalizer> list) {
        return list.stream().filter(n -> n != null).toList();
    }
}
