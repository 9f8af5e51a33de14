package dev.nemotron.text.tokenizer.decoder;

import java.util.List;

/** {@code Sequence}: applies decoders in order. */
public final class SequenceDecoder implements Decoder {
    private final List<Decoder> decoders;

    public SequenceDecoder(List<Decoder> decoders) {
        this.decoders = List.copyOf(decoders);
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        for (Decoder d : decoders) {
            tokens = d.decodeChain(tokens);
        }
        return tokens;
    }
}
