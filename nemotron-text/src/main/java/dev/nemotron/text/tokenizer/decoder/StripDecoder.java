package dev.nemotron.text.tokenizer.decoder;

import java.util.ArrayList;
import java.util.List;

/** {@code Strip}: removes up to {@code start} leading and {@code stop} trailing occurrences of {@code content} from each token. */
public final class StripDecoder implements Decoder {
    private final String content;
    private final int start;
    private final int stop;

    public StripDecoder(String content, int start, int stop) {
        this.content = content;
        this.start = start;
        this.stop = stop;
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            int from = 0;
            int to = t.length();
            for (int i = 0; i < start && t.startsWith(content, from) && !content.isEmpty(); i++) {
                from += content.length();
            }
            for (int i = 0; i < stop && to - content.length() >= from && t.startsWith(content, to - content.length()) && !content.isEmpty(); i++) {
                to -= content.length();
            }
            out.add(t.substring(from, to));
        }
        return out;
    }
}
