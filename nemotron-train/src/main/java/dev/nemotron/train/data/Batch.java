package dev.nemotron.train.data;

import java.util.List;

/**
 * One batch of packed sequences, row-major: row {@code r} of the inputs is
 * {@code inputs[r * seqLen .. (r + 1) * seqLen)}; {@code targets} are the inputs shifted left by
 * one token (the next-token labels). No padding: every position holds a real token (or an EOS).
 *
 * @param firstSequence the run-wide index of row 0
 * @param sources       per row, the name of the dataset it came from
 * @param phases        per row, the curriculum phase it belongs to
 */
public record Batch(int batchSize, int seqLen, long firstSequence, int[] inputs, int[] targets, List<String> sources, int[] phases) {
    /** Row {@code r} of the inputs, copied. */
    public int[] inputRow(int r) {
        return java.util.Arrays.copyOfRange(inputs, r * seqLen, (r + 1) * seqLen);
    }

    /** Row {@code r} of the targets, copied. */
    public int[] targetRow(int r) {
        return java.util.Arrays.copyOfRange(targets, r * seqLen, (r + 1) * seqLen);
    }
}
