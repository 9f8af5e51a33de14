package dev.nemotron.eval.ruler;

/** RULER's essay haystack over a {@link HaystackText}: words joined by spaces, units are sentences. */
final class EssayHaystack implements Haystack {
    private final HaystackText text;

    EssayHaystack(HaystackText text) {
        this.text = text;
    }

    @Override
    public String name() {
        return "essay:" + text.name();
    }

    @Override
    public String pieceName() {
        return "words";
    }

    @Override
    public int limit() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String piece(int i) {
        return text.word(i);
    }

    @Override
    public String joinerBefore(int i) {
        return " ";
    }

    @Override
    public boolean unitEndsAfter(int i) {
        return text.sentenceEndsAfter(i);
    }

    @Override
    public String needleJoiner() {
        return " ";
    }
}
