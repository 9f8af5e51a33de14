package dev.nemotron.text.tokenizer.decoder;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code Metaspace}: the replacement character becomes a space; in the first token it is dropped
 * when the pre-tokenizer prepends one.
 */
public final class MetaspaceDecoder implements Decoder {
    private final String replacement;
    private final boolean prepends;

    public MetaspaceDecoder(String replacement, boolean prepends) {
        this.replacement = replacement;
        this.prepends = prepends;
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            out.add(tokens.get(i).replace(replacement, i == 0 && prepends ? "" : " "));
        }
        return out;
    }
}
