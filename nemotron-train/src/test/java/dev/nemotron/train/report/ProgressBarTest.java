package dev.nemotron.train.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bar's IO and throttling, on a fake clock. */
class ProgressBarTest {
    /** A clock the test advances by hand. */
    static final class FakeClock {
        long nanos = 1_000_000_000L;

        void advance(Duration d) {
            nanos += d.toNanos();
        }
    }

    private static List<String> lines(StringBuilder out) {
        return out.toString().lines().toList();
    }

    @Test
    void plainModePrintsEveryNStepsFirstAndLast() {
        FakeClock clock = new FakeClock();
        StringBuilder out = new StringBuilder();
        ProgressBar bar = ProgressBar.builder(400).output(out).mode(ProgressBar.Mode.PLAIN).clock(() -> clock.nanos)
                .plainEverySteps(100).build();
        for (int s = 1; s <= 400; s++) {
            clock.advance(Duration.ofMillis(10));
            bar.update(s, 3.0, 1e-3, 1000);
        }
        bar.finish();
        bar.finish();
        List<String> l = lines(out);
        assertThat(l).hasSize(6);
        assertThat(l.get(0)).startsWith("step   1/400 [");
        assertThat(l.get(1)).startsWith("step 101/400 [#####.");
        assertThat(l.get(4)).startsWith("step 400/400 [####################] 100%").endsWith("eta 0s");
        assertThat(l.get(5)).startsWith("step 400/400").endsWith("took 4s");
        assertThat(out.toString()).doesNotContain("\r");
    }

    @Test
    void plainModeDefaultIsATwentiethOfTheRunOrTenSeconds() {
        FakeClock clock = new FakeClock();
        StringBuilder out = new StringBuilder();
        ProgressBar bar = ProgressBar.builder(1000).output(out).mode(ProgressBar.Mode.PLAIN).clock(() -> clock.nanos).build();
        for (int s = 1; s <= 1000; s++) {
            clock.advance(Duration.ofMillis(1));
            bar.update(s, 3.0, 1e-3, 1000);
        }
        // steps 1, 51, 101, ..., 951 and 1000
        assertThat(lines(out)).hasSize(21);

        // slow steps: the 10 s rule prints more often than every 50 steps
        StringBuilder slow = new StringBuilder();
        FakeClock c2 = new FakeClock();
        ProgressBar b2 = ProgressBar.builder(1000).output(slow).mode(ProgressBar.Mode.PLAIN).clock(() -> c2.nanos).build();
        for (int s = 1; s <= 30; s++) {
            c2.advance(Duration.ofSeconds(3));
            b2.update(s, 3.0, 1e-3, 1000);
        }
        // step 1, then every 4th step (12 s >= 10 s): 5, 9, 13, 17, 21, 25, 29
        assertThat(lines(slow)).extracting(x -> x.substring(0, 9)).containsExactly(
                "step    1", "step    5", "step    9", "step   13", "step   17", "step   21", "step   25", "step   29");
        assertThat(lines(slow).get(1)).contains("eta 49m").contains("loss 3.000");
    }

    @Test
    void terminalModeRedrawsOneLineAndFinishEndsIt() {
        FakeClock clock = new FakeClock();
        StringBuilder out = new StringBuilder();
        ProgressBar bar = ProgressBar.builder(10).output(out).mode(ProgressBar.Mode.TERMINAL).clock(() -> clock.nanos).build();
        assertThat(bar.mode()).isEqualTo(ProgressBar.Mode.TERMINAL);
        bar.update(1, 12.5, 1e-3, 123_456);
        clock.advance(Duration.ofMillis(50));
        bar.update(2, 11.0, 1e-3, 5);                         // within 100 ms: not drawn
        clock.advance(Duration.ofMillis(60));
        bar.update(3, 10.0, 1e-3, 5);                         // drawn, shorter than the first: padded
        assertThat(out.toString()).doesNotContain("\n");
        String[] frames = out.toString().split("\r", -1);
        assertThat(frames).hasSize(3);
        assertThat(frames[1]).startsWith("step  1/10").contains("123,456 tok/s");
        assertThat(frames[2]).startsWith("step  3/10").endsWith("eta 0s      ").hasSameSizeAs(frames[1]);
        bar.eval(3, 9.75);
        bar.message("checkpoint written");
        assertThat(out.toString()).contains("\rcheckpoint written\n");
        clock.advance(Duration.ofSeconds(2));
        bar.update(10, 9.0, 1e-4, 10);                        // the last step is always drawn
        bar.finish();
        assertThat(out.toString()).endsWith("\n").contains("took 2s").contains("eval 9.750");
        assertThat(out.toString().chars().filter(ch -> ch == '\n').count()).isEqualTo(2);
        bar.close();
        assertThat(out.toString().chars().filter(ch -> ch == '\n').count()).isEqualTo(2);
    }

    @Test
    void resumedRunEtaCountsFromTheStartStep() {
        FakeClock clock = new FakeClock();
        StringBuilder out = new StringBuilder();
        ProgressBar bar = ProgressBar.builder(300).output(out).mode(ProgressBar.Mode.PLAIN).clock(() -> clock.nanos)
                .startStep(200).plainEverySteps(1).build();
        clock.advance(Duration.ofSeconds(10));
        bar.update(201, 2.0, 1e-3, 100);
        for (int s = 202; s <= 210; s++) {
            clock.advance(Duration.ofSeconds(1));
            bar.update(s, 2.0, 1e-3, 100);
        }
        assertThat(bar.state().etaSeconds()).isEqualTo(90.0);
        assertThat(out.toString()).contains("step 210/300").contains("eta 1m30s");
    }

    @Test
    void theFirstStepsWarmUpDoesNotInflateTheEta() {
        // the quickstart's pretrain: the first step (JIT warm-up, data and model loading since the
        // bar was built) takes 17 s, the other 159 steps 1 s each; the old estimate said 45 minutes
        FakeClock clock = new FakeClock();
        StringBuilder out = new StringBuilder();
        ProgressBar bar = ProgressBar.builder(160).output(out).mode(ProgressBar.Mode.PLAIN).clock(() -> clock.nanos)
                .plainEverySteps(1).build();
        clock.advance(Duration.ofSeconds(17));
        bar.update(1, 6.0, 1e-3, 100);
        assertThat(bar.state().etaSeconds()).isNaN();
        clock.advance(Duration.ofSeconds(1));
        bar.update(2, 6.0, 1e-3, 100);
        assertThat(bar.state().etaSeconds()).isNaN();
        clock.advance(Duration.ofSeconds(1));
        bar.update(3, 6.0, 1e-3, 100);
        assertThat(bar.state().etaSeconds()).isCloseTo(157.0, org.assertj.core.api.Assertions.within(1e-6));
        List<String> l = lines(out);
        assertThat(l.get(0)).startsWith("step   1/160").endsWith("eta --");
        assertThat(l.get(1)).endsWith("eta --");
        assertThat(l.get(2)).startsWith("step   3/160").endsWith("eta 2m37s");
    }

    @Test
    void throttleAlone() {
        ProgressThrottle t = ProgressThrottle.plain(5, Duration.ofSeconds(10));
        assertThat(t.shouldShow(1, 100, 0)).isTrue();
        assertThat(t.shouldShow(2, 100, 1)).isFalse();
        assertThat(t.shouldShow(6, 100, 2)).isTrue();
        assertThat(t.shouldShow(7, 100, 10_000_000_002L)).isTrue();     // 10 s later
        assertThat(t.shouldShow(7, 100, 30_000_000_000L)).isFalse();    // no progress: nothing new to say
        assertThat(t.shouldShow(100, 100, 30_000_000_001L)).isTrue();
        assertThat(t.shouldShow(100, 100, 30_000_000_002L)).isFalse();
        assertThat(t.lastShownStep()).isEqualTo(100);
    }
}
