package dev.nemotron.bench;

import dev.nemotron.align.sft.SftPacking;
import dev.nemotron.align.sft.SftRow;
import dev.nemotron.align.sft.SftSample;
import dev.nemotron.train.trainer.PieceBuckets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the device plan of packed rows ({@link PieceBuckets}, docs/training.md "Packed sequences", on
 * the device) costs in positions and forwards on a sample-length distribution: token accounting,
 * no timing, no GPU.
 *
 * <pre>
 * 1. samples: 200,000 lengths, log-normal (median M, sigma S), clipped to [8, L], seeded
 * 2. rows: SFT's own greedy packing (SftPacking) into rows of at most L positions
 * 3. batches of B rows, each planned with budget B x (its longest row)
 * prints: samples per row, padded / real positions, forwards per step (mean, max), the largest forward
 * </pre>
 *
 * <pre>
 * java -cp "$(ls nemotron-bench/target/nemotron-bench-*.jar):nemotron-bench/target/lib/*" \
 *     dev.nemotron.bench.PackedDevicePlan L B M S
 * </pre>
 */
public final class PackedDevicePlan {
    private PackedDevicePlan() {
    }

    public static void main(String[] args) {
        int seqLen = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        double median = Double.parseDouble(args[2]);
        double sigma = Double.parseDouble(args[3]);
        // 1-2. samples into rows (a sample of n positions: n + 1 ids, the completion from the second)
        SplittableRandom rnd = new SplittableRandom(1);
        int samples = 200_000;
        List<SftSample> drawn = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            double g = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
            int n = (int) Math.max(8, Math.min(seqLen, Math.round(median * Math.exp(sigma * g))));
            drawn.add(new SftSample(new int[n + 1], 1, true, -1));
        }
        List<SftRow> rows = SftPacking.pack(drawn, seqLen);
        // 3. the plans
        long real = 0;
        long padded = 0;
        long forwards = 0;
        long steps = 0;
        int most = 0;
        long largest = 0;
        for (int s = 0; s + batch <= rows.size(); s += batch, steps++) {
            List<PieceBuckets.Piece> pieces = new ArrayList<>();
            int longest = 1;
            for (int b = 0; b < batch; b++) {
                int start = 0;
                for (int n : rows.get(s + b).segments()) {
                    pieces.add(new PieceBuckets.Piece(b, start, n));
                    start += n;
                }
                real += start;
                longest = Math.max(longest, start);
            }
            List<PieceBuckets.Bucket> plan = PieceBuckets.plan(pieces, (long) batch * longest);
            forwards += plan.size();
            most = Math.max(most, plan.size());
            for (PieceBuckets.Bucket bucket : plan) {
                padded += bucket.paddedTokens();
                largest = Math.max(largest, bucket.paddedTokens());
            }
        }
        System.out.printf(Locale.ROOT, "L %d, B %d, lengths log-normal (median %s, sigma %s): %d steps, %.2f samples/row,"
                        + " padded/real %.3f, forwards/step %.2f (max %d, bound %d), largest forward %d of %d positions%n",
                seqLen, batch, args[2], args[3], steps, (double) samples / rows.size(), (double) padded / real,
                (double) forwards / steps, most, PieceBuckets.maxForwards(seqLen), largest, (long) batch * seqLen);
    }
}
