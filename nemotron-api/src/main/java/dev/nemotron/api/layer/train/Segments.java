package dev.nemotron.api.layer.train;

import dev.nemotron.api.NemotronException;
import java.util.Arrays;

/**
 * The sample boundaries of one packed row: the row's L positions split into consecutive
 * segments (samples) of the given lengths, in order. Training on the row must let no information
 * cross a boundary in any layer (docs/training.md, "Packed sequences").
 *
 * <pre>
 * lengths [n1, n2, ..., nk], every ni &gt;= 1, sum = L
 * segment i covers positions [start(i), start(i) + ni);  start(0) = 0, start(i+1) = start(i) + ni
 * tokenStarts()[t] = start of the segment holding position t                         [L]
 * </pre>
 *
 * Immutable; equal when the lengths are equal. {@link #single(int)} is an unpacked row.
 */
public final class Segments {
    private final int[] lengths;
    private final int total;

    private Segments(int[] lengths, int total) {
        this.lengths = lengths;
        this.total = total;
    }

    /**
     * Segments of these lengths, in row order.
     *
     * @throws NemotronException when there is none, a length is below 1, or they sum past
     *     {@link Integer#MAX_VALUE}
     */
    public static Segments of(int... lengths) {
        if (lengths == null || lengths.length == 0) {
            throw new NemotronException("a packed row needs at least one segment: give the sample lengths, "
                    + "e.g. Segments.of(5, 3), or Segments.single(rowLength)");
        }
        long sum = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 1) {
                throw new NemotronException("segment " + i + " has length " + lengths[i]
                        + ": every sample in a packed row needs at least one position");
            }
            sum += lengths[i];
        }
        if (sum > Integer.MAX_VALUE) {
            throw new NemotronException("the segment lengths sum to " + sum + ", more positions than a row can hold");
        }
        return new Segments(lengths.clone(), (int) sum);
    }

    /** One segment of {@code length} positions: an unpacked row. */
    public static Segments single(int length) {
        if (length < 1) {
            throw new NemotronException("a row of " + length + " positions cannot be a segment: it needs at least one");
        }
        return new Segments(new int[] {length}, length);
    }

    /** The row length L (the sum of the lengths). */
    public int length() {
        return total;
    }

    /** The number of segments. */
    public int count() {
        return lengths.length;
    }

    /** Whether this is one segment covering the whole row (nothing to keep apart). */
    public boolean isSingle() {
        return lengths.length == 1;
    }

    /** The length of segment {@code i}. */
    public int length(int i) {
        return lengths[i];
    }

    /** The first position of segment {@code i}. */
    public int start(int i) {
        int s = 0;
        for (int j = 0; j < i; j++) {
            s += lengths[j];
        }
        return s;
    }

    /** The lengths, in row order (a copy). */
    public int[] lengths() {
        return lengths.clone();
    }

    /** For every position t of the row, the first position of t's segment [L] (a new array). */
    public int[] tokenStarts() {
        int[] starts = new int[total];
        int t = 0;
        for (int len : lengths) {
            Arrays.fill(starts, t, t + len, t);
            t += len;
        }
        return starts;
    }

    /**
     * Checks that these segments cover a row of {@code rows} positions.
     *
     * @throws NemotronException naming both lengths when they differ
     */
    public Segments requireLength(int rows) {
        if (rows != total) {
            throw new NemotronException("the segments cover " + total + " positions (" + count()
                    + " samples) but the row has " + rows + ": the sample lengths must sum to the row length");
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Segments s && Arrays.equals(lengths, s.lengths);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        return "Segments" + Arrays.toString(lengths);
    }
}
