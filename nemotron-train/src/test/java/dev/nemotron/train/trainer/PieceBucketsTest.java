package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.train.trainer.PieceBuckets.Bucket;
import dev.nemotron.train.trainer.PieceBuckets.Piece;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The device forwards of packed rows ({@link PieceBuckets}): every piece exactly once, each forward
 * within the budget, the padding at most the pieces' tokens, and no more forwards than the stated
 * bound, on random batches and on the shapes that stress each rule.
 */
class PieceBucketsTest {
    /** B rows of L positions cut at random into 1..L samples. */
    static List<Piece> randomRows(SplittableRandom rnd, int rows, int len) {
        List<Piece> pieces = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            int start = 0;
            while (start < len) {
                int n = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(len - start) : 1 + rnd.nextInt(Math.min(4, len - start));
                pieces.add(new Piece(b, start, n));
                start += n;
            }
        }
        return pieces;
    }

    /** The invariants of a plan of {@code pieces} under {@code budget}. */
    static void check(List<Piece> pieces, List<Bucket> plan, long budget, int longest) {
        List<Piece> seen = new ArrayList<>();
        long tokens = 0;
        long padded = 0;
        for (Bucket b : plan) {
            assertThat(b.pieces()).isNotEmpty();
            assertThat(b.width()).isEqualTo(b.pieces().getFirst().length());
            assertThat(b.paddedTokens()).as("forward %s", b).isLessThanOrEqualTo(budget);
            for (Piece p : b.pieces()) {
                assertThat(p.length()).isLessThanOrEqualTo(b.width());
                assertThat(2L * p.length()).as("piece %s in a forward of width %d", p, b.width()).isGreaterThanOrEqualTo(b.width());
                tokens += p.length();
            }
            padded += b.paddedTokens();
            seen.addAll(b.pieces());
        }
        // every piece exactly once (a dropped or duplicated piece fails here)
        assertThat(seen).containsExactlyInAnyOrderElementsOf(pieces);
        assertThat(padded).isLessThanOrEqualTo(2 * tokens);
        assertThat(plan.size()).isLessThanOrEqualTo(PieceBuckets.maxForwards(longest));
    }

    @Test
    void randomBatchesKeepEveryPieceOnceWithinTheBudgetAndTheBounds() {
        SplittableRandom rnd = new SplittableRandom(42);
        int worst = 0;
        for (int trial = 0; trial < 2000; trial++) {
            int rows = 1 + rnd.nextInt(8);
            int len = 1 + rnd.nextInt(300);
            List<Piece> pieces = randomRows(rnd, rows, len);
            long budget = (long) rows * len;
            List<Bucket> plan = PieceBuckets.plan(pieces, budget);
            int longest = pieces.stream().mapToInt(Piece::length).max().orElseThrow();
            check(pieces, plan, budget, longest);
            worst = Math.max(worst, plan.size() - (31 - Integer.numberOfLeadingZeros(longest)));
        }
        assertThat(worst).isLessThanOrEqualTo(4);
    }

    @Test
    void oneLongSampleAndManyShortOnesDoNotShareAForward() {
        // without the half-width rule the 1-long pieces would be padded to 64 in the first forward
        List<Piece> pieces = new ArrayList<>();
        pieces.add(new Piece(0, 0, 64));
        for (int t = 0; t < 64; t++) {
            pieces.add(new Piece(1, t, 1));
        }
        List<Bucket> plan = PieceBuckets.plan(pieces, 128);
        check(pieces, plan, 128, 64);
        assertThat(plan).hasSize(2);
        assertThat(plan.get(0).pieces()).containsExactly(new Piece(0, 0, 64));
        assertThat(plan.get(1).paddedTokens()).isEqualTo(64);
    }

    @Test
    void lengthsThatHalveEachTimeGiveOneForwardPerHalving() {
        // widths 64, 31, 15, 7, 3, 1: each shorter than half the one before, rows of 128
        List<Piece> pieces = new ArrayList<>();
        int start = 0;
        for (int n : new int[] {64, 31, 15, 7, 3, 1}) {
            pieces.add(new Piece(0, start, n));
            start += n;
        }
        List<Bucket> plan = PieceBuckets.plan(pieces, 128);
        check(pieces, plan, 128, 64);
        assertThat(plan).hasSize(6);
    }

    @Test
    void aFullBudgetStartsANewForwardOfTheSameWidth() {
        // 5 rows of two 8-long samples: 10 pieces of 8 into forwards of at most 5 x 16 = 80 tokens: 10 rows of 8
        List<Piece> pieces = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            pieces.add(new Piece(b, 0, 8));
            pieces.add(new Piece(b, 8, 8));
        }
        List<Bucket> plan = PieceBuckets.plan(pieces, 80);
        check(pieces, plan, 80, 8);
        assertThat(plan).hasSize(1);
        assertThat(plan.getFirst().pieces()).hasSize(10);
        List<Bucket> tight = PieceBuckets.plan(pieces, 79);
        check(pieces, tight, 79, 8);
        assertThat(tight).extracting(b -> b.pieces().size()).containsExactly(9, 1);
    }

    @Test
    void thePlanIsAFunctionOfTheBatch() {
        List<Piece> pieces = randomRows(new SplittableRandom(3), 4, 50);
        List<Piece> reversed = new ArrayList<>(pieces.reversed());
        assertThat(PieceBuckets.plan(reversed, 200)).isEqualTo(PieceBuckets.plan(pieces, 200));
    }
}
