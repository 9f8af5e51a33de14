package dev.nemotron.eval.ruler;

/**
 * The filler of a needle task as a sequence of pieces grouped into units. A sample takes the
 * first {@code n} pieces; needles go between units, never inside one; the last unit may be cut
 * short, so that the length can be tuned finely.
 *
 * <table>
 *   <caption>the three kinds</caption>
 *   <tr><th>haystack</th><th>piece</th><th>unit</th><th>joined by</th></tr>
 *   <tr><td>essay</td><td>word</td><td>sentence</td><td>space</td></tr>
 *   <tr><td>noise</td><td>one of the five noise sentences</td><td>the five-sentence line</td><td>newline</td></tr>
 *   <tr><td>needle</td><td>word of a distractor needle</td><td>distractor needle</td><td>newline</td></tr>
 * </table>
 */
interface Haystack {
    /** The name recorded in samples, e.g. {@code essay:moby-dick}. */
    String name();

    /** What a piece is, for messages: {@code words}. */
    String pieceName();

    /** The number of pieces available ({@link Integer#MAX_VALUE} when endless). */
    int limit();

    /** Piece {@code i}. */
    String piece(int i);

    /** What goes between piece {@code i - 1} and piece {@code i} ({@code i >= 1}). */
    String joinerBefore(int i);

    /** Whether a unit ends after piece {@code i}. */
    boolean unitEndsAfter(int i);

    /** What goes between a needle and its neighbours. */
    String needleJoiner();
}
