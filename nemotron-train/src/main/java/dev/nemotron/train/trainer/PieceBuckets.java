package dev.nemotron.train.trainer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The device forwards of a batch of packed rows ({@link DeviceSteps}): each sample of each row is a
 * piece, right-padded to its forward's width (causal: padding after a position changes nothing
 * before it), and the pieces go into length buckets so that the padding stays bounded.
 *
 * <pre>
 * pieces: (row, start, length), budget T = B x L (the tokens of the unpacked [B, L] batch)
 * 1. sort the pieces by length, longest first (ties: row, then start: the plan is a function of the batch)
 * 2. a bucket opens with the next piece; its width W = that piece's length
 * 3. the following piece joins while (n + 1) W <= T and 2 length >= W, else step 2 again
 * </pre>
 * So every forward has at most T padded tokens (never more than the unpacked batch's), and every
 * piece fills at least half its row of the forward: the padded tokens of the plan are at most twice
 * the pieces' tokens (at most 2 T in all). Forwards: a bucket closes either because the next piece
 * is shorter than W / 2 (widths then halve, so at most log2 L times) or because the budget is full
 * ((n + 1) W > T with n + 1 pieces of at least W / 2 each: more than T / 2 tokens in the bucket and
 * its next piece; each piece counted at most twice, so fewer than 4 N / T <= 4 times, N <= T the
 * pieces' tokens), plus the last bucket: at most {@link #maxForwards(int)} = floor(log2 L) + 4.
 */
public final class PieceBuckets {
    private PieceBuckets() {
    }

    /** One sample of row {@code row}: positions [start, start + length). */
    public record Piece(int row, int start, int length) {
        public Piece {
            if (row < 0 || start < 0 || length < 1) {
                throw new IllegalArgumentException("piece row " + row + " start " + start + " length " + length);
            }
        }
    }

    /** One device forward: its pieces, each right-padded to {@code width} = the first (longest) piece's length. */
    public record Bucket(List<Piece> pieces, int width) {
        /** The forward's positions, padding included: pieces x width. */
        public long paddedTokens() {
            return (long) pieces.size() * width;
        }
    }

    /**
     * Steps 1-3 above: every piece in exactly one bucket.
     *
     * @param budget the most padded tokens per forward; at least the longest piece
     */
    public static List<Bucket> plan(List<Piece> pieces, long budget) {
        List<Piece> sorted = new ArrayList<>(pieces);
        // 1. longest first
        sorted.sort(Comparator.comparingInt(Piece::length).reversed().thenComparingInt(Piece::row)
                .thenComparingInt(Piece::start));
        List<Bucket> out = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            // 2. a bucket of width W
            int width = sorted.get(i).length();
            if (width > budget) {
                throw new IllegalArgumentException("a piece of " + width + " positions exceeds the budget of " + budget);
            }
            List<Piece> bucket = new ArrayList<>();
            bucket.add(sorted.get(i++));
            // 3. fill it
            while (i < sorted.size() && (long) (bucket.size() + 1) * width <= budget
                    && 2L * sorted.get(i).length() >= width) {
                bucket.add(sorted.get(i++));
            }
            out.add(new Bucket(List.copyOf(bucket), width));
        }
        return out;
    }

    /** The most forwards {@link #plan} makes for pieces of total length at most its budget, none longer than {@code maxLength}. */
    public static int maxForwards(int maxLength) {
        return 31 - Integer.numberOfLeadingZeros(Math.max(1, maxLength)) + 4;
    }
}
