package dev.nemotron.arch.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.Reference;
import org.junit.jupiter.api.Test;

/**
 * The heap meter reports what a run holds, not the garbage it churns through: a run that keeps
 * 64 MiB and allocates 2 GiB of short-lived arrays measures about 64 MiB more than an idle one
 * (well under 2 GiB: the garbage between collections is not counted).
 */
class HeapMeterTest {
    private static final long MIB = 1 << 20;

    @Test
    void measuresTheLiveHeapNotTheGarbage() {
        long idle;
        try (HeapMeter m = HeapMeter.start()) {
            idle = m.peakAfterGcBytes();
        }
        try (HeapMeter m = HeapMeter.start()) {
            byte[] kept = new byte[(int) (64 * MIB)];
            long sink = 0;
            for (int i = 0; i < 32 * 1024; i++) {           // 2 GiB in 64 KiB arrays (young garbage, not humongous)
                byte[] garbage = new byte[64 * 1024];
                garbage[i % garbage.length] = (byte) i;
                sink += garbage[(i * 31) % garbage.length];
            }
            long peak = m.peakAfterGcBytes();
            Reference.reachabilityFence(kept);
            assertThat(sink).isNotNegative();
            assertThat(peak - idle).as("peak %d MiB, idle %d MiB", peak / MIB, idle / MIB)
                    .isBetween(60 * MIB, 128 * MIB);
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        HeapMeter m = HeapMeter.start();
        m.close();
        m.close();
        assertThat(m.peakAfterGcBytes()).isPositive();
    }
}
