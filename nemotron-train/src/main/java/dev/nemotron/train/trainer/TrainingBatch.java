package dev.nemotron.train.trainer;

/**
 * One optimizer step's worth of sequences: {@code inputs[b]} and {@code targets[b]} of equal
 * length (targets shifted by one; {@code -100} ignores a position).
 */
public record TrainingBatch(int[][] inputs, int[][] targets) {
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
