import dev.nemotron.api.distributed.*;
import java.nio.file.*;
import java.time.Duration;
import java.util.concurrent.*;

/** Times TcpProcessGroup.allReduce (MEAN) of N doubles over R ranks (threads of one JVM): java --module-path nemotron-api/target/classes:JACKSON_JARS --add-modules dev.nemotron.api tools/AllReduceBench.java R N (docs/benchmarks.md). */
public class AllReduceBench {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]), len = Integer.parseInt(a[1]), reps = 10;
        Path f = Files.createTempDirectory("arb").resolve("port");
        ExecutorService pool = Executors.newFixedThreadPool(n);
        Future<?>[] fs = new Future<?>[n];
        for (int r = 0; r < n; r++) {
            int rank = r;
            fs[r] = pool.submit(() -> {
                try (ProcessGroup g = TcpProcessGroup.join(new Rendezvous(rank, n, f, Duration.ofSeconds(60)))) {
                    double[] x = new double[len];
                    g.allReduce(x, ProcessGroup.ReduceOp.MEAN);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) g.allReduce(x, ProcessGroup.ReduceOp.MEAN);
                    double s = (System.nanoTime() - t0) / 1e9 / reps;
                    if (rank == 0) System.out.printf("ranks %d, %d doubles (%.1f MB): all-reduce %.1f ms, %.0f MB/s of payload per rank%n",
                            n, len, len * 8 / 1e6, s * 1e3, len * 8 / 1e6 / s);
                }
                return null;
            });
        }
        for (Future<?> x : fs) x.get();
        pool.shutdown();
    }
}
