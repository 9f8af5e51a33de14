package dev.nemotron.eval.ruler;

/**
 * The size model of a {@link Haystack}: size {@code n} adds the tokens of its first {@code n}
 * pieces, each counted on its own with the separator before it ({@code " word"}). With the
 * byte-level BPE pre-tokenizers of Nemotron, Qwen or Llama a space or newline starts a new
 * pre-token, so these counts add up to the count of the joined text up to a token or two at the
 * needles and the template's edges, which {@link LengthFitter} measures and corrects.
 */
final class HaystackSizes implements SizeModel {
    private final Haystack haystack;
    private final LazyPrefix prefix;

    HaystackSizes(Haystack haystack, PieceCounter counter) {
        this.haystack = haystack;
        this.prefix = new LazyPrefix(i -> counter.count((i == 0 ? haystack.needleJoiner() : haystack.joinerBefore(i))
                + haystack.piece(i)));
    }

    @Override
    public long estimate(int n) {
        return prefix.sum(n);
    }

    @Override
    public int limit() {
        return haystack.limit();
    }

    @Override
    public int largestWithin(long budget) {
        return prefix.largestWithin(budget, haystack.limit());
    }
}
