package dev.nemotron.text.tokenizer.decoder;

import java.util.List;

/**
 * A {@code decoder} of {@code tokenizer.json}: turns token strings back into text pieces, which
 * are then concatenated. Implementations are immutable.
 */
public interface Decoder {
    List<String> decodeChain(List<String> tokens);
}
