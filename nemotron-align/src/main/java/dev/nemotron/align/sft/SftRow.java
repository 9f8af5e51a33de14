package dev.nemotron.align.sft;

import dev.nemotron.api.layer.train.Segments;
import java.util.Arrays;
import java.util.List;

/**
 * One training row: the samples' positions concatenated (packed) or a single sample.
 *
 * @param inputs   token ids read at each position
 * @param targets  next-token targets, -100 where no loss (prompt positions; never across a seam)
 * @param segments the length of each sample's run of positions, in order (sums to inputs.length):
 *                 the sample boundaries that no information may cross
 */
public record SftRow(int[] inputs, int[] targets, int[] segments) {

    /** The samples' positions one after another; each sample's last target is its own last token. */
    public static SftRow of(List<SftSample> samples) {
        int n = samples.stream().mapToInt(SftSample::positions).sum();
        int[] in = new int[n];
        int[] tg = new int[n];
        int[] seg = new int[samples.size()];
        int at = 0;
        for (int s = 0; s < samples.size(); s++) {
            SftSample sample = samples.get(s);
            int len = sample.positions();
            System.arraycopy(sample.inputs(), 0, in, at, len);
            System.arraycopy(sample.targets(), 0, tg, at, len);
            seg[s] = len;
            at += len;
        }
        return new SftRow(in, tg, seg);
    }

    /** The samples as the trainer's {@link Segments}: every layer keeps them apart (conv window, SSM state, attention). */
    public Segments toSegments() {
        return Segments.of(segments);
    }

    /** Where each segment starts (positions). */
    public int[] segmentStarts() {
        int[] starts = new int[segments.length];
        for (int s = 1; s < segments.length; s++) {
            starts[s] = starts[s - 1] + segments[s - 1];
        }
        return starts;
    }

    @Override
    public String toString() {
        return "SftRow[" + inputs.length + " positions, segments " + Arrays.toString(segments) + "]";
    }
}
