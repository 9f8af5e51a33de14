package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.backend.cuda.ffi.NmcTrainer;
import java.util.Optional;

/**
 * The Java side of the CUDA trainer's data parallelism (native/src/train_dp.cu): the availability
 * reason and the checks of a join's arguments made before the library is called.
 */
final class DataParallel {
    private DataParallel() {
    }

    /** Empty when NCCL is usable; else why not, as one line that names what is missing. */
    static Optional<String> unavailable(NmcTrainer.NcclStatus status) {
        if (status.available()) {
            return Optional.empty();
        }
        return Optional.of("data-parallel training on the cuda backend needs NCCL (libnccl.so.2), loaded at run time: "
                + status.text());
    }

    static void requireAvailable(NmcTrainer.NcclStatus status) {
        Optional<String> why = unavailable(status);
        if (why.isPresent()) {
            throw new NemotronException(why.get());
        }
    }

    /** A group id of {@link NmcTrainer#DP_ID_BYTES} bytes, {@code 0 <= rank < size}. */
    static void checkJoin(byte[] groupId, int rank, int size) {
        if (groupId == null || groupId.length != NmcTrainer.DP_ID_BYTES) {
            throw new NemotronException("a data-parallel group id has " + NmcTrainer.DP_ID_BYTES + " bytes (from rank 0's"
                    + " newDataParallelId()), got " + (groupId == null ? "none" : groupId.length));
        }
        if (size < 1 || rank < 0 || rank >= size) {
            throw new NemotronException("data-parallel rank " + rank + " of a group of " + size
                    + ": the rank must be in 0.." + (size - 1) + " and the size at least 1");
        }
    }
}
