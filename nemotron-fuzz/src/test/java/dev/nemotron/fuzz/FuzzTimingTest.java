package dev.nemotron.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slowness and hangs are judged by the CPU the fuzzing thread spends, not by a busy machine's wall clock. */
class FuzzTimingTest {
    @TempDir
    Path out;

    private Fuzz target(String name) {
        System.setProperty("nemotron.fuzz.out", out.toString());
        return Fuzz.target(name).seeds(List.of("seed".getBytes(StandardCharsets.UTF_8))).maxMillis(50);
    }

    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x = x * 6364136223846793005L + 1442695040888963407L; // CPU only, no allocation
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    @Test
    void anExecutionThatBurnsCpuPastTheLimitTwiceIsSlow() {
        assertThatThrownBy(() -> target("burns").run(input -> {
            if (!new String(input, StandardCharsets.UTF_8).equals("seed")) {
                spin(200);
            }
        })).isInstanceOf(AssertionError.class).hasMessageContaining("slow: ").hasMessageContaining("CPU time");
    }

    @Test
    void anExecutionThatOnlyWaitsIsNotSlow() {
        System.setProperty("nemotron.fuzz.execs", "4");
        try {
            Fuzz.Report r = target("waits").run(input -> Thread.sleep(120));
            assertThat(r.executions()).isEqualTo(4);
        } finally {
            System.clearProperty("nemotron.fuzz.execs");
        }
    }

    @Test
    void onOtherThreadsTheWallClockJudges() {
        assertThatThrownBy(() -> target("server").workOnOtherThreads().run(input -> {
            if (!new String(input, StandardCharsets.UTF_8).equals("seed")) {
                Thread.sleep(120);
            }
        })).isInstanceOf(AssertionError.class).hasMessageContaining("slow: ").hasMessageContaining("wall clock");
    }

    @Test
    void aLoopThatNeverEndsIsAHang() {
        assertThatThrownBy(() -> target("loops").run(input -> {
            if (!new String(input, StandardCharsets.UTF_8).equals("seed")) {
                while (!Thread.currentThread().isInterrupted()) {
                    spin(10);
                }
            }
        })).isInstanceOf(AssertionError.class).hasMessageContaining("hang: one execution has used over 10000 ms of CPU");
    }
}
