package dev.nemotron.text.tokenizer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.text.tokenizer.json.JsonAt;
import java.util.HashMap;
import java.util.Map;

/** Builds the {@link Model} of a {@code tokenizer.json}. */
public final class Models {
    private Models() {
    }

    /** The model at {@code at} ({@code type} BPE or WordLevel; an untyped object with merges is BPE). */
    public static Model fromJson(JsonAt at) {
        if (at.isNull()) {
            throw at.error("missing field (every tokenizer.json has a model)");
        }
        String type = at.has("type") ? at.type() : at.has("merges") ? "BPE" : "";
        return switch (type) {
            case "BPE" -> Bpe.fromJson(at);
            case "WordLevel" -> WordLevel.fromJson(at);
            default -> throw at.unknownType("model", type, "BPE, WordLevel");
        };
    }

    /** The {@code vocab} object: token to id. */
    static Map<String, Integer> vocab(JsonAt at) {
        JsonAt v = at.require("vocab");
        Map<String, Integer> vocab = new HashMap<>(v.node().size() * 2);
        v.fieldNames(); // fails unless an object
        for (var e : v.node().properties()) {
            JsonNode id = e.getValue();
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                v.get(e.getKey()).integer(); // throws, naming the entry
            }
            vocab.put(e.getKey(), id.intValue());
        }
        return vocab;
    }

    /** Tokens by id, sized by the number of tokens (never by the largest id). */
    static TokensById byId(Map<String, Integer> vocab) {
        return new TokensById(vocab);
    }
}
