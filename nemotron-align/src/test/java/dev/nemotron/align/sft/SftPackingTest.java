package dev.nemotron.align.sft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.trainer.TrainingBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Greedy packing, the seams, and the seeded epochs of batches. */
class SftPackingTest {
    static List<SftSample> samples(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<SftSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 3 + r.nextInt(30);
            int[] ids = new int[len];
            for (int k = 0; k < len; k++) {
                ids[k] = 1000 * (i + 1) + k;
            }
            out.add(new SftSample(ids, 1 + r.nextInt(len - 1), true, -1));
        }
        return out;
    }

    @Test
    void packedRowsHoldTheSamplesInOrderWithoutATargetAcrossASeam() {
        List<SftSample> samples = samples(200, 1);
        List<SftRow> rows = SftPacking.pack(samples, 64);
        int next = 0;
        for (SftRow row : rows) {
            assertThat(row.inputs().length).isLessThanOrEqualTo(64).isEqualTo(Arrays.stream(row.segments()).sum());
            int[] starts = row.segmentStarts();
            for (int s = 0; s < row.segments().length; s++) {
                SftSample sample = samples.get(next++);
                int from = starts[s];
                int to = from + row.segments()[s];
                assertThat(Arrays.copyOfRange(row.inputs(), from, to)).isEqualTo(sample.inputs());
                assertThat(Arrays.copyOfRange(row.targets(), from, to)).isEqualTo(sample.targets());
                // every target of a segment is a token of the same sample (or masked): nothing crosses the seam
                for (int i = from; i < to; i++) {
                    int t = row.targets()[i];
                    assertThat(t == CrossEntropy.IGNORE_INDEX || t / 1000 == sample.ids()[0] / 1000).isTrue();
                }
            }
            // greedy: the next sample would not have fitted
            if (next < samples.size()) {
                assertThat(row.inputs().length + samples.get(next).positions()).isGreaterThan(64);
            }
        }
        assertThat(next).isEqualTo(samples.size());
        assertThat(SftPacking.unpacked(samples)).hasSize(200);
        // the trainer gets each row's samples as its segments
        TrainingBatch batch = new SftBatchSource(rows, rows.size(), 5).next();
        for (int b = 0; b < rows.size(); b++) {
            int[] in = batch.inputs()[b];
            SftRow row = rows.stream().filter(r -> Arrays.equals(r.inputs(), in)).findFirst().orElseThrow();
            assertThat(batch.segments(b).lengths()).isEqualTo(row.segments());
        }
        assertThat(batch.packed()).isTrue();
    }

    @Test
    void batchesWalkSeededEpochsAndResumeFromTheirState() {
        List<SftRow> rows = SftPacking.unpacked(samples(10, 2));
        SftBatchSource a = new SftBatchSource(rows, 3, 9);
        List<TrainingBatch> seen = new ArrayList<>();
        String state = null;
        for (int i = 0; i < 7; i++) {
            if (i == 4) {
                state = a.saveState();
            }
            seen.add(a.next());
        }
        // each epoch is a permutation of the rows
        List<Integer> firstEpoch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int[] row = seen.get(i / 3).inputs()[i % 3];
            firstEpoch.add(row[0] / 1000);
        }
        assertThat(firstEpoch).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        SftBatchSource b = new SftBatchSource(rows, 3, 9);
        b.restoreState(state);
        for (int i = 4; i < 7; i++) {
            assertThat(b.next().inputs()).isDeepEqualTo(seen.get(i).inputs());
        }
    }
}
