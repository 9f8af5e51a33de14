package dev.nemotron.align.sft;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples into rows of at most {@code seqLen} positions.
 *
 * <pre>
 * packed (greedy, in sample order):
 *   row = []
 *   for each sample s:  if positions(row) + positions(s) &gt; seqLen: emit row; row = []
 *                       row += s
 *   emit row
 * unpacked: one sample per row
 * </pre>
 *
 * Rows are not padded: the trainer takes rows of any length, and a padded position would only
 * cost compute (its target would be masked). The seams between packed samples are recorded in
 * {@link SftRow#segments()} and reach the trainer as {@code Segments}: the Mamba-2 conv window and
 * SSM state restart at each sample, attention is block-diagonal, and no target crosses a seam, so a
 * packed row trains exactly as its samples one by one (packing saves the per-row overhead only).
 */
public final class SftPacking {
    private SftPacking() {
    }

    /** Packed rows (each sample must already fit: positions &lt;= seqLen). */
    public static List<SftRow> pack(List<SftSample> samples, int seqLen) {
        List<SftRow> rows = new ArrayList<>();
        List<SftSample> row = new ArrayList<>();
        int used = 0;
        for (SftSample s : samples) {
            if (s.positions() > seqLen) {
                throw new IllegalArgumentException("a sample of " + s.positions() + " positions does not fit rows of " + seqLen);
            }
            if (used + s.positions() > seqLen) {
                rows.add(SftRow.of(row));
                row = new ArrayList<>();
                used = 0;
            }
            row.add(s);
            used += s.positions();
        }
        if (!row.isEmpty()) {
            rows.add(SftRow.of(row));
        }
        return rows;
    }

    /** One sample per row. */
    public static List<SftRow> unpacked(List<SftSample> samples) {
        return samples.stream().map(s -> SftRow.of(List.of(s))).toList();
    }
}
