package dev.nemotron.bench;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link Fma64PeakBenchmark}, {@link Float64GemmBenchmark} and {@link TrainStepBenchmark} and
 * prints a Markdown report: the float64 FMA peak of one core, the training GEMM's GFLOP/s (fast
 * and scalar reference) and training tokens/s per precision and thread count.
 *
 * <p>Arguments are JMH's command-line options (e.g. {@code -f 1 -wi 2 -i 3}), applied to all three;
 * without them the benchmarks' own settings. Needs {@code --add-modules jdk.incubator.vector}; see
 * {@code run-train-bench.sh}. Run from the repository root (the model config path is relative).
 */
public final class TrainBenchReport {
    private TrainBenchReport() {}

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        String loadBefore = BenchReport.loadAverage();
        String started = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(cli)
                .include(Fma64PeakBenchmark.class.getName() + ".")
                .include(Float64GemmBenchmark.class.getName() + ".")
                .include(TrainStepBenchmark.class.getName() + ".")
                .shouldFailOnError(true).build()).run();

        double peak = Double.NaN;
        for (RunResult r : results) {
            if (is(r, Fma64PeakBenchmark.class)) {
                peak = r.getPrimaryResult().getScore() * Fma64PeakBenchmark.FLOPS_PER_OP / 1e9;
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder md = new StringBuilder();
        md.append("- Started: ").append(started).append('\n');
        md.append("- CPU: ").append(BenchReport.cpuModel()).append(", ").append(cores).append(" cores\n");
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(Runtime.version())
                .append(", preferred vector ").append(Fma64PeakBenchmark.LANES * 64).append(" bit (")
                .append(Fma64PeakBenchmark.LANES).append(" float64 lanes)\n");
        md.append("- Load average (1/5/15 min) before / after: ").append(loadBefore).append(" / ")
                .append(BenchReport.loadAverage()).append('\n');
        md.append("- JMH options: ").append(args.length == 0 ? "the benchmarks' own" : String.join(" ", args)).append("\n\n");

        md.append("| Benchmark | Shape / setting | Score | GFLOP/s | % of 1-core float64 peak |\n");
        md.append("|---|---|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| float64 FMA peak, 1 thread (%d accumulators) | - | - | %.1f | 100 |%n",
                Fma64PeakBenchmark.ACCUMULATORS, peak));
        for (RunResult r : results) {
            if (is(r, Float64GemmBenchmark.class)) {
                String shape = r.getParams().getParam("shape");
                Result<?> p = r.getPrimaryResult();
                double gf = p.getScore() * Float64GemmBenchmark.flopsPerOp(shape) / 1e9;
                md.append(String.format(Locale.ROOT, "| float64 GEMM nt, %s | %s (m x n x k) | %.1f ± %.1f calls/s | %.2f | %.0f |%n",
                        r.getParams().getParam("impl"), shape, p.getScore(), p.getScoreError(), gf, 100 * gf / peak));
            }
        }
        md.append("\n| Train step (loss + gradients) | precision | threads | ms / step | training tokens/s "
                + "| best iteration ms | best tokens/s |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (RunResult r : results) {
            if (is(r, TrainStepBenchmark.class)) {
                int batch = Integer.parseInt(r.getParams().getParam("batch"));
                int seq = Integer.parseInt(r.getParams().getParam("seqLen"));
                Result<?> p = r.getPrimaryResult();
                long tokens = TrainStepBenchmark.tokensPerStep(batch, seq);
                double best = fastestIteration(r);
                String packed = r.getParams().getParam("samplesPerRow");
                String rows = packed == null || packed.equals("1") ? "" : ", packed " + packed + " samples/row";
                md.append(String.format(Locale.ROOT, "| tiny-hybrid, batch %d x seq %d%s | %s | %s | %.1f ± %.1f | %.0f | %.1f | %.0f |%n",
                        batch, seq, rows, r.getParams().getParam("precision"), r.getParams().getParam("threads"),
                        p.getScore(), p.getScoreError(), tokens / (p.getScore() / 1000), best, tokens / (best / 1000)));
            }
        }
        System.out.println();
        System.out.println(md);
    }

    /** The fastest measurement iteration (ms/op): the least disturbed by other work on the machine. */
    private static double fastestIteration(RunResult r) {
        double best = Double.NaN;
        for (org.openjdk.jmh.results.BenchmarkResult br : r.getBenchmarkResults()) {
            for (org.openjdk.jmh.results.IterationResult ir : br.getIterationResults()) {
                double v = ir.getPrimaryResult().getScore();
                if (Double.isNaN(best) || v < best) {
                    best = v;
                }
            }
        }
        return best;
    }

    private static boolean is(RunResult r, Class<?> benchmark) {
        return r.getParams().getBenchmark().startsWith(benchmark.getName() + ".");
    }
}
