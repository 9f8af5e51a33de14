package dev.nemotron.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The decode work memory --memory-budget-gib reserves besides weights and caches. */
class DecodeWorkspaceTest {
    /** native skinny_workspace_floats(rows) x 4 bytes on a card of {@code sms} SMs (skinny_gemm.cu). */
    private static long nativeBytes(int rows, int sms) {
        return (long) Math.min(rows, 64) * 2 * (2L * sms) * 128 * 4;
    }

    @Test
    void boundsTheSkinnyGemmWorkspaceOfEveryCurrentCard() {
        for (int rows : new int[] {1, 9, 33, 64, 65, 1024}) {
            for (int sms : new int[] {108, 132, 144}) {
                assertThat(DeviceBenchRun.decodeWorkspaceBytes(rows)).isGreaterThanOrEqualTo(nativeBytes(rows, sms));
            }
        }
        // the H100's 132 SMs at 64 rows: the ~17 MB a BF16 session allocates
        assertThat(nativeBytes(64, 132)).isEqualTo(17_301_504L);
    }

    @Test
    void growsWithTheRowsUpToSixtyFour() {
        assertThat(DeviceBenchRun.decodeWorkspaceBytes(0)).isZero();
        assertThat(DeviceBenchRun.decodeWorkspaceBytes(9)).isGreaterThan(DeviceBenchRun.decodeWorkspaceBytes(1));
        assertThat(DeviceBenchRun.decodeWorkspaceBytes(64)).isEqualTo(DeviceBenchRun.decodeWorkspaceBytes(1024));
    }
}
