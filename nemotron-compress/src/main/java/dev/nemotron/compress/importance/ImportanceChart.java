package dev.nemotron.compress.importance;

import dev.nemotron.train.autodiff.activation.ActivationStatistics.Aggregation;
import dev.nemotron.train.report.ChartOptions;
import dev.nemotron.train.report.LossPoint;
import dev.nemotron.train.report.PointChart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The charts of an {@link ImportanceReport}, next to its JSON ({@code FILE.json} → {@code FILE.png}
 * and {@code FILE-hidden.png}):
 *
 * <ul>
 *   <li>layers: the logit MSE of removing each layer alone (round 1), by layer index, and the MSE of
 *       the model after k iterative removals, by k;</li>
 *   <li>hidden channels: the scores sorted from most to least important (L2 and mean aggregation,
 *       each divided by its largest), by rank: how sharply importance falls off.</li>
 * </ul>
 */
public final class ImportanceChart {
    private ImportanceChart() {
    }

    /** Writes the charts beside {@code json}; returns the PNGs written (none when JFreeChart is absent). */
    public static List<Path> write(ImportanceReport report, Path json) {
        String base = json.getFileName().toString().replaceFirst("\\.json$", "");
        Path dir = json.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        if (report.layers() != null && !report.layers().rounds().isEmpty()) {
            Map<String, List<LossPoint>> s = new LinkedHashMap<>();
            double[] first = report.layers().rounds().getFirst();
            List<LossPoint> alone = new ArrayList<>();
            for (int i = 0; i < first.length; i++) {
                alone.add(new LossPoint(i, first[i]));
            }
            s.put("removing layer i alone (x = i)", alone);
            List<LossPoint> iterative = new ArrayList<>();
            double[] chosen = report.layers().chosenMse();
            for (int k = 0; k < chosen.length; k++) {
                iterative.add(new LossPoint(k + 1, chosen[k]));
            }
            s.put("after k iterative removals (x = k)", iterative);
            Path png = dir.resolve(base + ".png");
            PointChart.render(s, png, ChartOptions.defaults().withTitle("Layer importance: logit MSE against the full model"),
                    "layer index / layers removed", "logit MSE");
            out.add(png);
        }
        Map<String, List<LossPoint>> h = new LinkedHashMap<>();
        for (Map.Entry<Aggregation, double[]> e : report.hiddenChannels().entrySet()) {
            double[] sorted = e.getValue().clone();
            Arrays.sort(sorted);
            double max = sorted[sorted.length - 1];
            List<LossPoint> pts = new ArrayList<>();
            for (int r = 0; r < sorted.length; r++) {
                pts.add(new LossPoint(r, max > 0 ? sorted[sorted.length - 1 - r] / max : 0));
            }
            h.put(ImportanceReport.name(e.getKey()) + " aggregation", pts);
        }
        Path png = dir.resolve(base + "-hidden.png");
        PointChart.render(h, png, ChartOptions.defaults().withTitle("Hidden channel importance, sorted"),
                "rank", "score / largest score");
        out.add(png);
        return out;
    }
}
