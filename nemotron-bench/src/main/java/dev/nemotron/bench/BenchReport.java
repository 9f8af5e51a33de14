package dev.nemotron.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link MatmulBenchmark} and {@link FmaPeakBenchmark} in one go and prints a Markdown report:
 * GFLOP/s of each matmul and its share of the FMA peak measured in the same run.
 *
 * <p>Arguments: {@code --quick} (1 warm-up and 2 measurements of 1 s: a smoke run, numbers not
 * trustworthy); otherwise the benchmarks' own settings (1 fork, 3 x 2 s warm-up, 5 x 2 s).
 * Needs {@code --add-modules jdk.incubator.vector}; see {@code run-matmul-bench.sh}.
 */
public final class BenchReport {
    private BenchReport() {}

    public static void main(String[] args) throws RunnerException {
        boolean quick = List.of(args).contains("--quick");
        String loadBefore = loadAverage();
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(FmaPeakBenchmark.class.getName() + ".")
                .include(MatmulBenchmark.class.getName() + ".")
                .shouldFailOnError(true);
        if (quick) {
            opts.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(opts.build()).run();

        double peak = Double.NaN;
        double peakErr = Double.NaN;
        double peakBest = Double.NaN;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().startsWith(FmaPeakBenchmark.class.getName())) {
                Result<?> p = r.getPrimaryResult();
                peak = p.getScore() * FmaPeakBenchmark.FLOPS_PER_OP / 1e9;
                peakErr = p.getScoreError() * FmaPeakBenchmark.FLOPS_PER_OP / 1e9;
                peakBest = bestIteration(r) * FmaPeakBenchmark.FLOPS_PER_OP / 1e9;
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int lanes = FmaPeakBenchmark.LANES;
        StringBuilder md = new StringBuilder();
        md.append("### Matmul (Vector API) vs FMA peak\n\n");
        md.append("- Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)).append('\n');
        md.append("- CPU: ").append(cpuModel()).append(", ").append(cores).append(" cores\n");
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append(", preferred vector ").append(lanes * 32)
                .append(" bit (").append(lanes).append(" fp32 lanes)\n");
        md.append("- Load average (1/5/15 min) before / after: ").append(loadBefore).append(" / ")
                .append(loadAverage()).append(" (other work on the machine depresses the numbers)\n");
        md.append("- Settings: ").append(quick ? "--quick (1 x 1 s warm-up, 2 x 1 s)" : "1 fork, 3 x 2 s warm-up, 5 x 2 s")
                .append("\n\n");
        md.append("| Benchmark | Shape (rows x in x out) | Weights | ops/s | GFLOP/s | % of measured peak "
                + "| Best iteration GFLOP/s | Best % of best peak | Weight GB/s |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| FMA peak (%d threads, %d accumulators) | - | - | %.1f | %.1f ± %.1f | 100 | %.1f | 100 | - |%n",
                cores, FmaPeakBenchmark.ACCUMULATORS,
                peak * 1e9 / FmaPeakBenchmark.FLOPS_PER_OP, peak, peakErr, peakBest));
        List<RunResult> matmuls = new ArrayList<>();
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().startsWith(MatmulBenchmark.class.getName())) {
                matmuls.add(r);
            }
        }
        for (RunResult r : matmuls) {
            String shape = r.getParams().getParam("shape");
            String dtype = r.getParams().getParam("dtype");
            int[] d = MatmulBenchmark.dims(shape);
            double ops = r.getPrimaryResult().getScore();
            double opsErr = r.getPrimaryResult().getScoreError();
            double flops = MatmulBenchmark.flopsPerOp(shape);
            double gflops = ops * flops / 1e9;
            int bytes = dtype.equals("F32") ? 4 : 2;
            double wgbs = ops * (double) d[1] * d[2] * bytes / 1e9;
            double best = bestIteration(r) * flops / 1e9;
            md.append(String.format(Locale.ROOT, "| VectorLinearKernels.matmul | %s | %s | %.1f | %.1f ± %.1f | %.0f | %.1f | %.0f | %.1f |%n",
                    shape, dtype, ops, gflops, opsErr * flops / 1e9, 100 * gflops / peak, best,
                    100 * best / peakBest, wgbs));
        }
        md.append(String.format(Locale.ROOT,
                "%nGFLOP/s = ops/s x 2 x rows x in x out / 1e9 (FMA peak: ops/s x 2 x %d lanes x %d x %d / 1e9). "
                        + "Roofline: peak per core = 2 FMA units x %d fp32 lanes x 2 flops x clock; the measured "
                        + "peak implies an effective %.2f GHz per core (less than the real clock when other work shares the cores).%n",
                lanes, FmaPeakBenchmark.ACCUMULATORS, FmaPeakBenchmark.ITERATIONS, lanes,
                peak / cores / (2.0 * lanes * 2)));
        System.out.println();
        System.out.println(md);
    }

    /** The best measurement iteration's score (ops/s): the least disturbed by other work. */
    private static double bestIteration(RunResult r) {
        double best = Double.NaN;
        for (org.openjdk.jmh.results.BenchmarkResult br : r.getBenchmarkResults()) {
            for (org.openjdk.jmh.results.IterationResult ir : br.getIterationResults()) {
                double v = ir.getPrimaryResult().getScore();
                if (Double.isNaN(best) || v > best) {
                    best = v;
                }
            }
        }
        return best;
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    static String cpuModel() {
        try {
            Process p = new ProcessBuilder("lscpu").redirectErrorStream(true).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                String model = null;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("Model name:") && model == null) {
                        model = line.substring("Model name:".length()).trim();
                    }
                }
                p.waitFor();
                if (model != null) {
                    return model;
                }
            }
        } catch (Exception e) {
            // fall through
        }
        return System.getProperty("os.arch") + " (lscpu unavailable)";
    }
}
