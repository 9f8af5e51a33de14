package dev.nemotron.api.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup.ReduceOp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranks as threads of this JVM, each with its own {@link TcpProcessGroup} over loopback. */
class TcpProcessGroupTest {
    /** Runs {@code body} as each of {@code n} ranks; returns their results in rank order. */
    static <T> List<T> ranks(Path dir, int n, Duration timeout, Function<ProcessGroup, T> body) throws Exception {
        Path file = dir.resolve("rendezvous-" + System.nanoTime());
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                Rendezvous rv = new Rendezvous(r, n, file, timeout);
                futures.add(pool.submit(() -> {
                    try (ProcessGroup g = TcpProcessGroup.join(rv)) {
                        return body.apply(g);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static double[] values(int rank, int len) {
        SplittableRandom r = new SplittableRandom(rank * 31L + 7);
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = r.nextGaussian() * Math.pow(10, r.nextInt(-8, 8));
        }
        return v;
    }

    @Test
    void allReduceSumsInRankOrderAndEveryRankHoldsTheSameBits(@TempDir Path dir) throws Exception {
        int len = 20_000;  // more than one transfer chunk
        List<double[]> got = ranks(dir, 3, Duration.ofSeconds(30), g -> {
            double[] v = values(g.rank(), len);
            g.allReduce(v, ReduceOp.SUM);
            double[] m = values(g.rank(), len);
            g.allReduce(m, ReduceOp.MEAN);
            double[] both = new double[2 * len];
            System.arraycopy(v, 0, both, 0, len);
            System.arraycopy(m, 0, both, len, len);
            return both;
        });
        double[] a = values(0, len);
        double[] b = values(1, len);
        double[] c = values(2, len);
        for (int i = 0; i < len; i++) {
            double sum = (a[i] + b[i]) + c[i];
            assertThat(got.get(0)[i]).isEqualTo(sum);
            assertThat(got.get(0)[len + i]).isEqualTo(sum / 3);
        }
        assertThat(got.get(1)).isEqualTo(got.get(0));
        assertThat(got.get(2)).isEqualTo(got.get(0));
    }

    @Test
    void allGatherBroadcastGatherAndBarrier(@TempDir Path dir) throws Exception {
        int[] counts = {3, 0, 5};
        List<String> got = ranks(dir, 3, Duration.ofSeconds(30), g -> {
            double[] v = new double[8];
            int off = g.rank() == 0 ? 0 : g.rank() == 1 ? 3 : 3;
            for (int i = 0; i < counts[g.rank()]; i++) {
                v[off + i] = 100 * g.rank() + i;
            }
            g.allGather(v, counts);
            byte[] id = g.broadcast(g.leader() ? "nccl-id".getBytes(StandardCharsets.UTF_8) : null);
            List<byte[]> all = g.gather(("r" + g.rank()).getBytes(StandardCharsets.UTF_8));
            g.barrier();
            return java.util.Arrays.toString(v) + " " + new String(id, StandardCharsets.UTF_8) + " "
                    + all.stream().map(x -> new String(x, StandardCharsets.UTF_8)).toList();
        });
        String gathered = "[0.0, 1.0, 2.0, 200.0, 201.0, 202.0, 203.0, 204.0] nccl-id ";
        assertThat(got).containsExactly(gathered + "[r0, r1, r2]", gathered + "[]", gathered + "[]");
    }

    @Test
    void aPeerThatLeavesFailsTheOthersQuicklyWithItsRank(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        List<String> got = ranks(dir, 3, Duration.ofSeconds(30), g -> {
            if (g.rank() == 2) {
                return "left";  // closes its connection, as a dying process does
            }
            try {
                g.allReduce(new double[4], ReduceOp.SUM);
                g.allReduce(new double[4], ReduceOp.SUM);
                return "no error";
            } catch (NemotronException e) {
                return e.getMessage();
            }
        });
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(20);
        assertThat(got.get(0)).contains("rank 0 " + ProcessGroup.PEER_LOST + " 2").contains("closed its connection");
        assertThat(got.get(1)).contains("rank 1 " + ProcessGroup.PEER_LOST + " 0");
    }

    @Test
    void aPeerThatHangsTimesOut(@TempDir Path dir) throws Exception {
        List<String> got = ranks(dir, 2, Duration.ofSeconds(1), g -> {
            if (g.rank() == 1) {
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "slept";
            }
            try {
                g.barrier();
                return "no error";
            } catch (NemotronException e) {
                return e.getMessage();
            }
        });
        assertThat(got.get(0)).contains(ProcessGroup.PEER_LOST + " 1").contains("no message within 1 s");
    }

    @Test
    void ranksThatDisagreeOnTheArrayFailInsteadOfMixingData(@TempDir Path dir) throws Exception {
        List<String> got = ranks(dir, 2, Duration.ofSeconds(5), g -> {
            try {
                g.allReduce(new double[g.rank() == 0 ? 4 : 5], ReduceOp.SUM);
                return "no error";
            } catch (NemotronException e) {
                return e.getMessage();
            }
        });
        assertThat(got.get(0)).contains("rank 1 is out of step").contains("of 5 values, expected collective 1 #1 of 4");
    }

    @Test
    void aRankWithoutRank0TimesOutAtTheRendezvous(@TempDir Path dir) {
        Rendezvous rv = new Rendezvous(1, 2, dir.resolve("never"), Duration.ofMillis(300));
        assertThatThrownBy(() -> TcpProcessGroup.join(rv)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("did not form within");
    }

    @Test
    void theEnvironmentDescribesTheRendezvous() {
        assertThat(Rendezvous.fromEnvironment(Map.of())).isEmpty();
        Rendezvous rv = Rendezvous.fromEnvironment(Map.of("NEMOTRON_RANK", "1", "NEMOTRON_WORLD_SIZE", "2",
                "NEMOTRON_RENDEZVOUS", "/tmp/x", "NEMOTRON_DP_TIMEOUT_S", "7")).orElseThrow();
        assertThat(rv).isEqualTo(new Rendezvous(1, 2, Path.of("/tmp/x"), Duration.ofSeconds(7)));
        assertThatThrownBy(() -> Rendezvous.fromEnvironment(Map.of("NEMOTRON_RANK", "2", "NEMOTRON_WORLD_SIZE", "2",
                "NEMOTRON_RENDEZVOUS", "/tmp/x"))).hasMessageContaining("rank must be in 0..1");
        assertThatThrownBy(() -> Rendezvous.fromEnvironment(Map.of("NEMOTRON_RANK", "x"))).hasMessageContaining("NEMOTRON_WORLD_SIZE");
        assertThat(TcpProcessGroup.availability().available()).isTrue();
    }

}
