package dev.nemotron.text.tokenizer.decoder;

import java.util.ArrayList;
import java.util.List;

/** {@code BPEDecoder}: the end-of-word {@code suffix} ({@code </w>}) becomes a space, except on the last token. */
public final class BpeSuffixDecoder implements Decoder {
    private final String suffix;

    public BpeSuffixDecoder(String suffix) {
        this.suffix = suffix;
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
        }
        return out;
    }
}
