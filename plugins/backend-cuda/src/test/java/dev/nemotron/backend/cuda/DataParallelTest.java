package dev.nemotron.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.api.NemotronException;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import dev.nemotron.backend.cuda.ffi.NmcTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The data-parallel side of the CUDA trainer without a GPU: the unavailability reason, the join checks. */
class DataParallelTest {
    /** The library built in this checkout (make -C plugins/backend-cuda/native), when there is one. */
    private static final Path BUILT = Path.of("native/build/libnemotron_cuda.so");

    @Test
    void theNativeLoaderNamesEveryPlaceItLookedForNccl() {
        assumeTrue(Files.isRegularFile(BUILT), "no native build at " + BUILT.toAbsolutePath());
        NmcTrainer.NcclStatus status = NmcLibrary.load(BUILT).trainer().ncclStatus();
        System.out.println("nmc_nccl_status: " + status);
        assertThat(status.text()).doesNotContain("\n").isNotBlank();
        if (status.available()) {  // a machine with NCCL: its version and where it came from
            assertThat(status.text()).startsWith("NCCL 2").contains("(");
            assertThat(DataParallel.unavailable(status)).isEmpty();
            return;
        }
        String env = System.getenv("NMC_NCCL_LIBRARY");
        if (env != null && !env.isEmpty()) {  // an explicit choice is the only candidate
            assertThat(status.text()).startsWith("NMC_NCCL_LIBRARY=" + env + " cannot be loaded: ");
        } else {
            assertThat(status.text()).startsWith("NCCL not found (NMC_NCCL_LIBRARY unset; libnccl.so.2 on the loader's path: ")
                    .contains("PyTorch's pip layout").contains("site-packages/nvidia/nccl/lib/libnccl.so.2")
                    .contains("dist-packages/nvidia/nccl/lib/libnccl.so.2")
                    .endsWith("set NMC_NCCL_LIBRARY to a libnccl.so.2 (pip install nvidia-nccl-cu12 ships one)");
        }
        assertThat(DataParallel.unavailable(status)).hasValueSatisfying(r -> assertThat(r)
                .startsWith("data-parallel training on the cuda backend needs NCCL (libnccl.so.2)")
                .endsWith(status.text()));
        assertThatThrownBy(() -> DataParallel.requireAvailable(status)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("needs NCCL");
    }

    @Test
    void aJoinWithABadIdOrRankIsRefusedBeforeTheLibraryIsCalled() {
        assertThatThrownBy(() -> DataParallel.checkJoin(new byte[16], 0, 2)).isInstanceOf(NemotronException.class)
                .hasMessage("a data-parallel group id has 128 bytes (from rank 0's newDataParallelId()), got 16");
        assertThatThrownBy(() -> DataParallel.checkJoin(null, 0, 2)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("got none");
        for (int[] bad : new int[][] {{2, 2}, {-1, 2}, {0, 0}}) {
            assertThatThrownBy(() -> DataParallel.checkJoin(new byte[128], bad[0], bad[1]))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("data-parallel rank " + bad[0] + " of a group of " + bad[1]);
        }
        DataParallel.checkJoin(new byte[128], 3, 4);  // accepted
    }

    @Test
    void anAvailableNcclLeavesNoReason() {
        assertThat(DataParallel.unavailable(new NmcTrainer.NcclStatus(true, "NCCL 22703 (libnccl.so.2)"))).isEmpty();
        assertThat(DataParallel.unavailable(new NmcTrainer.NcclStatus(false, "NCCL not found (x)")))
                .hasValue("data-parallel training on the cuda backend needs NCCL (libnccl.so.2), loaded at run time: "
                        + "NCCL not found (x)");
    }
}
