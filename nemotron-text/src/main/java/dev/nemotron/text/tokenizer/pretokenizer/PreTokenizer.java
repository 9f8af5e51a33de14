package dev.nemotron.text.tokenizer.pretokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code pre_tokenizer} of {@code tokenizer.json}: splits normalized text into pieces (and may
 * rewrite them, as ByteLevel does); the model then encodes each piece on its own.
 * Implementations are immutable.
 */
public interface PreTokenizer {
    /**
     * Appends the pieces of {@code piece} to {@code out}.
     *
     * @param atStart whether {@code piece} begins at the very start of the input text (Metaspace's
     *                {@code prepend_scheme: "first"} depends on it)
     */
    void split(String piece, boolean atStart, List<String> out);

    /** Splits every piece of {@code pieces}; only the first may be {@code firstAtStart}. */
    default List<String> preTokenize(List<String> pieces, boolean firstAtStart) {
        List<String> out = new ArrayList<>(pieces.size() * 2 + 4);
        for (int i = 0; i < pieces.size(); i++) {
            split(pieces.get(i), i == 0 && firstAtStart, out);
        }
        return out;
    }
}
