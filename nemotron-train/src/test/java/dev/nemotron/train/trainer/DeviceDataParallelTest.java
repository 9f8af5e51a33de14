package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.distributed.Rendezvous;
import dev.nemotron.api.distributed.TcpProcessGroup;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.testing.device.FakeDevice;
import dev.nemotron.train.optim.AdamW;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link DeviceSteps#joinDataParallel} drives the device trainer's data-parallel contract (the
 * part the CUDA plugin implements with NCCL): rank 0's group id reaches every rank through the host
 * group, each joins with its rank; a trainer without collectives is one error naming its reason.
 */
class DeviceDataParallelTest {
    /** {@link DeviceStepsTest.Recorder}'s trainer with data parallelism: records the id it made and the join. */
    static final class ParallelExecution extends DeviceStepsTest.Recorder {
        final String unavailable;
        final List<String> collectives = new ArrayList<>();

        ParallelExecution(String unavailable) {
            this.unavailable = unavailable;
        }

        @Override
        RecordingTrainer trainer() {
            return new RecordingTrainer() {
                @Override
                public Optional<String> dataParallelUnavailable() {
                    return Optional.ofNullable(unavailable);
                }

                @Override
                public byte[] newDataParallelId() {
                    collectives.add("new id");
                    return "unique-id-of-rank-0".getBytes(StandardCharsets.UTF_8);
                }

                @Override
                public void joinDataParallel(byte[] groupId, int rank, int size) {
                    collectives.add("join " + new String(groupId, StandardCharsets.UTF_8) + " as " + rank + "/" + size);
                }
            };
        }
    }

    /**
     * Rank 0's id reaches every rank, each joins with its rank; then each knows its rank: on a batch
     * whose last shard is ragged, every rank runs one forward per row (equal backward passes).
     */
    @Test
    void rank0sIdReachesEveryRankWhichJoinsWithItsRank(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        Path rv = dir.resolve("rendezvous");
        int n = 3;
        int[][] in = {{1, 2, 3}, {4, 5, 6}, {1, 2, 3}, {4, 5, 6}, {1, 2, 3}, {4, 5, 6}};
        TrainingBatch global = new TrainingBatch(in,
                new int[][] {{2, 3, 4}, {5, 6, 7}, {2, 3, 4}, {5, 6, 7}, {2, 3, 4}, {5, -100, -100}});
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<List<String>>> fs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                fs.add(pool.submit(() -> {
                    ParallelExecution exec = new ParallelExecution(null);
                    try (ProcessGroup g = TcpProcessGroup.join(new Rendezvous(rank, n, rv, Duration.ofSeconds(30)));
                         DeviceSteps d = DeviceSteps.of(FakeDevice.backend(exec), "fp32")) {
                        d.open(model, new AdamW(), 0);
                        d.joinDataParallel(g);
                        d.lossAndGradients(DataParallel.shard(global, rank, n), global);
                    }
                    List<String> calls = new ArrayList<>(exec.collectives);
                    exec.calls.stream().filter(c -> c.startsWith("forward")).forEach(calls::add);
                    return calls;
                }));
            }
            assertThat(fs.get(0).get(60, TimeUnit.SECONDS)).containsExactly("new id", "join unique-id-of-rank-0 as 0/3",
                    "forward 1x3", "forward 1x3");
            assertThat(fs.get(1).get(60, TimeUnit.SECONDS)).containsExactly("join unique-id-of-rank-0 as 1/3",
                    "forward 1x3", "forward 1x3");
            assertThat(fs.get(2).get(60, TimeUnit.SECONDS)).containsExactly("join unique-id-of-rank-0 as 2/3",
                    "forward 1x3", "forward 1x3");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTrainerWithoutCollectivesIsOneErrorWithItsReason(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        ParallelExecution exec = new ParallelExecution("NCCL not found (libnccl.so.2)");
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(exec), "fp32")) {
            d.open(model, new AdamW(), 0);
            // the check comes before any collective: this one-rank "group" is never asked for anything
            assertThatThrownBy(() -> d.joinDataParallel(new DataParallelTest.Fake(0, 2)))
                    .isInstanceOf(NemotronException.class)
                    .hasMessage("backend 'fake' cannot train data-parallel: NCCL not found (libnccl.so.2); leave --backend out"
                            + " to train the ranks on the host, or use --ranks 1");
        }
        assertThat(exec.collectives).isEmpty();
    }
}
