package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.train.report.ChartOptions;
import dev.nemotron.train.report.LossChart;
import dev.nemotron.train.report.LossPoint;
import dev.nemotron.train.report.ReferenceLine;
import dev.nemotron.train.report.RunMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron chart}: the loss curves of one run (training loss, its EMA, held-out loss) or
 * of several runs overlaid, from each run directory's {@code metrics.jsonl}, as a PNG.
 */
@Command(name = "chart", mixinStandardHelpOptions = true,
        description = "Draw a training run's loss curves (per-step loss, its EMA, held-out loss) from DIR/metrics.jsonl into a PNG,"
                + " or overlay several runs (e.g. FP8 vs FP32).")
public final class ChartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "The run directory (holding metrics.jsonl).")
    Path run;

    @Option(names = "--compare", paramLabel = "NAME=DIR", mapFallbackValue = "",
            description = "Overlay this run, named NAME in the legend (repeatable; --run, if given, is drawn first, named after its directory).")
    Map<String, Path> compare = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "FILE.png",
            description = "The PNG to write (default: DIR/loss.png for --run alone, DIR/loss-compare.png with --compare).")
    Path out;

    @Option(names = "--reference-line", paramLabel = "VALUE[:LABEL]",
            description = "A horizontal line, e.g. 5.8:'unigram entropy' (repeatable).")
    List<String> references = new ArrayList<>();

    @Option(names = "--width", paramLabel = "PX", description = "Image width (default: ${DEFAULT-VALUE}).")
    int width = ChartOptions.DEFAULT_WIDTH;

    @Option(names = "--height", paramLabel = "PX", description = "Image height (default: ${DEFAULT-VALUE}).")
    int height = ChartOptions.DEFAULT_HEIGHT;

    @Option(names = "--title", paramLabel = "TEXT", description = "Chart title (default: the run's directory name, or 'Loss').")
    String title;

    @Option(names = "--smoothing", paramLabel = "W", description = "EMA weight of the past for the smoothed line, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double smoothing = ChartOptions.DEFAULT_SMOOTHING;

    @Option(names = "--json", description = "Print a JSON summary.")
    boolean json;

    @Override
    public Integer call() {
        if (run == null && compare.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give --run DIR, --compare NAME=DIR..., or both");
        }
        if (run == null && out == null) {
            throw new ParameterException(spec.commandLine(), "--compare without --run needs --out FILE.png");
        }
        for (Map.Entry<String, Path> e : compare.entrySet()) {
            if (e.getKey().isBlank() || e.getValue() == null || e.getValue().toString().isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--compare takes NAME=DIR, got '" + e.getKey() + "'");
            }
        }
        ChartOptions options = new ChartOptions(width, height, title != null ? title : defaultTitle(), smoothing, List.of());
        for (String r : references) {
            options = options.withReference(ReferenceLine.parse(r));
        }
        Map<String, RunMetrics> drawn = new LinkedHashMap<>();
        Map<String, Path> dirs = new LinkedHashMap<>();
        Path png;
        if (compare.isEmpty()) {
            png = out != null ? out : run.resolve(LossChart.FILE);
            drawn.put(name(run), LossChart.render(run, png, options));
            dirs.put(name(run), run);
        } else {
            if (run != null) {
                dirs.put(name(run), run);
            }
            compare.forEach((n, d) -> {
                if (dirs.putIfAbsent(n, d) != null) {
                    throw new ParameterException(spec.commandLine(), "two runs named '" + n + "'");
                }
            });
            png = out != null ? out : run.resolve("loss-compare.png");
            drawn.putAll(LossChart.compare(dirs, png, options));
        }
        print(png, drawn, dirs);
        return 0;
    }

    private String defaultTitle() {
        return run != null && compare.isEmpty() ? "Loss: " + name(run) : "Loss";
    }

    private static String name(Path dir) {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        return n == null ? dir.toString() : n.toString();
    }

    private void print(Path png, Map<String, RunMetrics> drawn, Map<String, Path> dirs) {
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.object();
            o.put("png", png.toString());
            o.put("width", width);
            o.put("height", height);
            ArrayNode runs = o.putArray("runs");
            drawn.forEach((n, m) -> {
                ObjectNode r = runs.addObject();
                r.put("name", n);
                r.put("dir", dirs.get(n).toString());
                r.put("train_points", m.train().size());
                r.put("eval_points", m.eval().size());
                r.put("last_step", m.lastStep());
                last(r, "last_train_loss", m.train());
                last(r, "last_eval_loss", m.eval());
            });
            Json.print(pw, o);
        } else {
            pw.printf("wrote %s%n", png);
            drawn.forEach((n, m) -> pw.printf("  %s: %d training steps, %d held-out evaluations%s%n", n, m.train().size(),
                    m.eval().size(), m.eval().isEmpty() ? "" : String.format(java.util.Locale.ROOT, " (last %.4f at step %d)",
                            m.eval().getLast().loss(), m.eval().getLast().step())));
            pw.flush();
        }
    }

    private static void last(ObjectNode r, String field, List<LossPoint> points) {
        if (points.isEmpty() || !Double.isFinite(points.getLast().loss())) {
            r.putNull(field);
        } else {
            r.put(field, points.getLast().loss());
        }
    }
}
