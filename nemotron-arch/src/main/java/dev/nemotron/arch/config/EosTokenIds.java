package dev.nemotron.arch.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code eos_token_id} of a {@code generation_config.json} or {@code config.json}: an int or a
 * list of ints, each a token of the vocabulary. A model directory is outside input, so an id
 * outside {@code [0, vocab_size)} is an error naming the file, not a stop token that never comes.
 */
final class EosTokenIds {
    private EosTokenIds() {
    }

    /**
     * The ids of {@code node} (the value of {@code eos_token_id}).
     *
     * @param vocabSize the model's vocabulary size ({@code vocab_size} of config.json); 0 when unknown
     *                  (ids are then only checked to be {@code >= 0})
     * @param source    names the file in errors
     * @throws NemotronException for a value that is not an int or a list of ints, or an id outside the vocabulary
     */
    static Set<Integer> parse(JsonNode node, int vocabSize, String source) {
        Set<Integer> out = new LinkedHashSet<>();
        if (node.isArray()) {
            if (node.isEmpty()) {
                throw new NemotronException(source + ": eos_token_id is an empty list; give at least one id or leave it out");
            }
            for (JsonNode id : node) {
                out.add(id(id, node, vocabSize, source));
            }
        } else {
            out.add(id(node, node, vocabSize, source));
        }
        return Collections.unmodifiableSet(out);
    }

    private static int id(JsonNode id, JsonNode whole, int vocabSize, String source) {
        if (!id.isIntegralNumber() || !id.canConvertToInt()) {
            throw new NemotronException(source + ": eos_token_id must be an int or a list of ints, got " + whole);
        }
        int v = id.intValue();
        if (v < 0 || vocabSize > 0 && v >= vocabSize) {
            throw new NemotronException(source + ": eos_token_id " + v + " is outside the vocabulary [0, "
                    + (vocabSize > 0 ? vocabSize + ")" : "...)") + (vocabSize > 0 ? " (vocab_size of config.json)" : ""));
        }
        return v;
    }
}
