package dev.nemotron.eval.ruler;

/**
 * RULER's noise haystack: the line "The grass is green. The sky is blue. The sun is yellow. Here
 * we go. There and back again." repeated, one per line; a unit is one line, a piece one sentence.
 */
final class NoiseHaystack implements Haystack {
    /** The five sentences of RULER's noise line. */
    static final String[] SENTENCES = {"The grass is green.", "The sky is blue.", "The sun is yellow.", "Here we go.",
        "There and back again."};

    @Override
    public String name() {
        return "noise";
    }

    @Override
    public String pieceName() {
        return "noise sentences";
    }

    @Override
    public int limit() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String piece(int i) {
        return SENTENCES[i % SENTENCES.length];
    }

    @Override
    public String joinerBefore(int i) {
        return i % SENTENCES.length == 0 ? "\n" : " ";
    }

    @Override
    public boolean unitEndsAfter(int i) {
        return i % SENTENCES.length == SENTENCES.length - 1;
    }

    @Override
    public String needleJoiner() {
        return "\n";
    }
}
