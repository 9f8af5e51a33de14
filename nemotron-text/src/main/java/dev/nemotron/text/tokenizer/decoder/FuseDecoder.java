package dev.nemotron.text.tokenizer.decoder;

import java.util.List;

/** {@code Fuse}: concatenates all tokens into one. */
public final class FuseDecoder implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        return List.of(String.join("", tokens));
    }
}
