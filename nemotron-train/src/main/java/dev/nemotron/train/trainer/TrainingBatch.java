package dev.nemotron.train.trainer;

import dev.nemotron.api.layer.train.Segments;

/**
 * One optimizer step's worth of sequences: {@code inputs[b]} and {@code targets[b]} of equal
 * length (targets shifted by one; {@code -100} ignores a position), and for a packed row
 * {@code segments[b]}, the samples it holds (kept apart in every layer; docs/training.md,
 * "Packed sequences").
 *
 * @param segments per row its samples, or null (the array or an element): one sample per row
 */
public record TrainingBatch(int[][] inputs, int[][] targets, Segments[] segments) {
    public TrainingBatch {
        if (inputs.length != targets.length) {
            throw new IllegalArgumentException(inputs.length + " input rows but " + targets.length + " target rows");
        }
        for (int b = 0; b < inputs.length; b++) {
            if (inputs[b].length != targets[b].length) {
                throw new IllegalArgumentException("row " + b + ": " + inputs[b].length + " inputs but "
                        + targets[b].length + " targets");
            }
        }
        if (segments != null) {
            if (segments.length != inputs.length) {
                throw new IllegalArgumentException(inputs.length + " rows but " + segments.length + " segment lists");
            }
            for (int b = 0; b < inputs.length; b++) {
                if (segments[b] != null && segments[b].length() != inputs[b].length) {
                    throw new IllegalArgumentException("row " + b + ": the segments " + segments[b] + " cover "
                            + segments[b].length() + " positions, the row has " + inputs[b].length);
                }
            }
        }
    }

    /** A batch of unpacked rows (one sample each). */
    public TrainingBatch(int[][] inputs, int[][] targets) {
        this(inputs, targets, null);
    }

    /** Row {@code b}'s samples: its segments, or one segment covering the row. */
    public Segments segments(int b) {
        return segments == null || segments[b] == null ? Segments.single(inputs[b].length) : segments[b];
    }

    /** Whether any row holds more than one sample. */
    public boolean packed() {
        if (segments != null) {
            for (Segments s : segments) {
                if (s != null && !s.isSingle()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Tokens in the batch (ignored targets included). */
    public long tokens() {
        long n = 0;
        for (int[] row : inputs) {
            n += row.length;
        }
        return n;
    }
}
