package dev.nemotron.text.tokenizer.pretokenizer;

import java.util.List;

/** {@code Sequence}: applies pre-tokenizers in order, each to every piece the previous one made. */
public final class SequencePreTokenizer implements PreTokenizer {
    private final List<PreTokenizer> steps;

    public SequencePreTokenizer(List<PreTokenizer> steps) {
        this.steps = List.copyOf(steps);
    }

    @Override
    public void split(String piece, boolean atStart, List<String> out) {
        out.addAll(preTokenize(List.of(piece), atStart));
    }

    @Override
    public List<String> preTokenize(List<String> pieces, boolean firstAtStart) {
        for (PreTokenizer p : steps) {
            pieces = p.preTokenize(pieces, firstAtStart);
        }
        return pieces;
    }
}
