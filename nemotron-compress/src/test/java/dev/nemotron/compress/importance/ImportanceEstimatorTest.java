package dev.nemotron.compress.importance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.compress.TinyModels;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.prune.PlanBuilder;
import dev.nemotron.compress.prune.PrunePlan;
import dev.nemotron.compress.prune.PruneTargets;
import dev.nemotron.compress.prune.Rankings;
import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.activation.ActivationStatistics.Aggregation;
import dev.nemotron.train.data.DatasetWriter;
import dev.nemotron.train.data.WriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Importance against brute force on the tiny HF fixture (10 layers: M-M*-M-M*-). */
class ImportanceEstimatorTest {
    private static final double EPS = 1e-5;
    private static TrainableModel model;
    private static ObjectNode config;
    private static List<int[]> calibration;
    private static CalibrationSet.Spec spec;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        model = TrainableModel.load(TinyModels.fixture());
        config = ModelFiles.readConfig(TinyModels.fixture());
        Path data = tmp.resolve("data");
        SplittableRandom r = new SplittableRandom(7);
        try (DatasetWriter w = DatasetWriter.create(data, WriterOptions.of("cal", "test", 512), t -> new int[0])) {
            for (int d = 0; d < 20; d++) {
                w.addDocument("doc" + d, IntStream.range(0, 40).map(i -> r.nextInt(512)).toArray());
            }
            w.finish();
        }
        spec = new CalibrationSet.Spec(data, "text", 4, 12, 3);
        calibration = CalibrationSet.load(spec, TinyModels.fixture(), 512);
    }

    @Test
    void calibrationIsSeededWindowsOfTheData() {
        assertThat(calibration).hasSize(4).allSatisfy(s -> assertThat(s).hasSize(12));
        List<int[]> again = CalibrationSet.load(spec, TinyModels.fixture(), 512);
        for (int i = 0; i < 4; i++) {
            assertThat(again.get(i)).containsExactly(calibration.get(i));
        }
        List<int[]> other = CalibrationSet.load(new CalibrationSet.Spec(spec.data(), "text", 4, 12, 4), TinyModels.fixture(), 512);
        assertThat(IntStream.range(0, 4).allMatch(i -> Arrays.equals(other.get(i), calibration.get(i)))).isFalse();
        assertThatThrownBy(() -> CalibrationSet.load(new CalibrationSet.Spec(spec.data(), "text", 1, 5000, 0), TinyModels.fixture(), 512))
                .hasMessageContaining("fewer than --seq-len 5000");
    }

    @Test
    void layerRemovalOrderMatchesBruteForceOverZeroedLayers() {
        LayerImportance.Result r = LayerImportance.estimate(model, config, MixerRegistry.discover(), calibration, 100, null);
        int layers = 10;
        List<double[]> full = calibration.stream().map(model::logits).toList();
        boolean[] removed = new boolean[layers];
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < layers - 1; round++) {
            double[] mse = new double[layers];
            int best = -1;
            for (int i = 0; i < layers; i++) {
                if (removed[i]) {
                    mse[i] = Double.NaN;
                    continue;
                }
                // brute force: the same model with the removed layers' output projections zeroed
                Parameters p = model.parameters().copy();
                for (int l = 0; l < layers; l++) {
                    if (removed[l] || l == i) {
                        for (String n : p.names()) {
                            if (n.startsWith("backbone.layers." + l + ".mixer.")
                                    && (n.endsWith("out_proj.weight") || n.endsWith("o_proj.weight") || n.endsWith("down_proj.weight"))) {
                                Arrays.fill(p.get(n), 0);
                            }
                        }
                    }
                }
                TrainableModel zeroed = new TrainableModel(model.graph(), p);
                double sum = 0;
                long n = 0;
                for (int s = 0; s < calibration.size(); s++) {
                    double[] z = zeroed.logits(calibration.get(s));
                    for (int j = 0; j < z.length; j++) {
                        sum += (z[j] - full.get(s)[j]) * (z[j] - full.get(s)[j]);
                    }
                    n += z.length;
                }
                mse[i] = sum / n;
                if (best < 0 || mse[i] < mse[best]) {
                    best = i;
                }
            }
            assertThat(r.rounds().get(round)).as("round %d", round).containsExactly(mse);
            removed[best] = true;
            order.add(best);
        }
        IntStream.range(0, layers).filter(l -> !removed[l]).forEach(order::add);
        assertThat(r.removalOrder()).containsExactly(order.stream().mapToInt(Integer::intValue).toArray());
        assertThat(r.chosenMse()[0]).isGreaterThan(0);
    }

    @Test
    void channelScoresMatchBruteForceFromHiddenStates() {
        ImportanceReport report = ImportanceEstimator.estimate(model, config, MixerRegistry.discover(), calibration, spec, "tiny",
                new ImportanceEstimator.Options(false, 0, Aggregation.L2), m -> { });
        int d = 64;
        double[][] hiddenPerSeq = new double[calibration.size()][d];
        double[] hiddenL2 = new double[d];
        for (LayerPlan layer : model.graph().layers()) {
            // per sequence: the block's normed input, and for MLP layers relu(up x)^2
            boolean mlp = layer.dims() instanceof MlpDims;
            double[] neuronSq = new double[192];
            double[] normSq = new double[d];
            for (int s = 0; s < calibration.size(); s++) {
                int[] t = calibration.get(s);
                double[] h = model.forward(t, ForwardOptions.inference().withHiddenStates()).hiddenStates().get(layer.index());
                double[] x = rmsNorm(h, t.length, model.parameters().get("backbone.layers." + layer.index() + ".norm.weight"));
                double[] m = meanAbs(x, t.length, d);
                for (int c = 0; c < d; c++) {
                    normSq[c] += m[c] * m[c];
                }
                if (mlp) {
                    double[] up = model.parameters().get("backbone.layers." + layer.index() + ".mixer.up_proj.weight");
                    double[] a = new double[t.length * 192];
                    for (int p = 0; p < t.length; p++) {
                        for (int j = 0; j < 192; j++) {
                            double z = 0;
                            for (int c = 0; c < d; c++) {
                                z += up[j * d + c] * x[p * d + c];
                            }
                            a[p * 192 + j] = z > 0 ? z * z : 0;
                        }
                    }
                    double[] ma = meanAbs(a, t.length, 192);
                    for (int j = 0; j < 192; j++) {
                        neuronSq[j] += ma[j] * ma[j];
                    }
                }
            }
            for (int c = 0; c < d; c++) {
                hiddenL2[c] += Math.sqrt(normSq[c]);
            }
            if (mlp) {
                double[] want = Arrays.stream(neuronSq).map(Math::sqrt).toArray();
                double[] got = report.mlpNeurons().get(layer.index()).get(Aggregation.L2);
                for (int j = 0; j < 192; j++) {
                    assertThat(got[j]).isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-9 * (1 + want[j])));
                }
                assertThat(ranking(got)).as("layer %d neuron ranking", layer.index()).containsExactly(ranking(want));
            }
        }
        double[] normFSq = new double[d];
        for (int[] t : calibration) {
            double[] f = model.forward(t, ForwardOptions.inference().withHiddenStates()).hiddenStates().getLast();
            double[] m = meanAbs(f, t.length, d);
            for (int c = 0; c < d; c++) {
                normFSq[c] += m[c] * m[c];
            }
        }
        for (int c = 0; c < d; c++) {
            hiddenL2[c] += Math.sqrt(normFSq[c]);
        }
        double[] got = report.hiddenChannels().get(Aggregation.L2);
        for (int c = 0; c < d; c++) {
            assertThat(got[c]).isCloseTo(hiddenL2[c], org.assertj.core.data.Offset.offset(1e-9 * (1 + hiddenL2[c])));
        }
        assertThat(ranking(got)).containsExactly(ranking(hiddenL2));
        // the plan keeps the brute-force top channels
        PrunePlan plan = PlanBuilder.plan(model.graph(), new PruneTargets(null, 40, null, null), report.rankings());
        assertThat(plan.hiddenKept()).containsExactly(Arrays.stream(ranking(hiddenL2)).limit(40).sorted().toArray());
    }

    @Test
    void sameSeedSameReportAndMambaHeadsArePrunedEvenlyPerGroup() throws Exception {
        ImportanceReport a = ImportanceEstimator.estimate(TinyModels.fixture(), spec, new ImportanceEstimator.Options(true, 3, Aggregation.L2), m -> { });
        ImportanceReport b = ImportanceEstimator.estimate(TinyModels.fixture(), spec, new ImportanceEstimator.Options(true, 3, Aggregation.L2), m -> { });
        assertThat(a.toJson()).isEqualTo(b.toJson());
        Path json = tmp.resolve("imp.json");
        a.write(json);
        Rankings read = ImportanceReport.readRankings(json);
        Rankings direct = a.rankings();
        assertThat(read.layerRemovalOrder()).containsExactly(direct.layerRemovalOrder());
        assertThat(read.hiddenChannels()).containsExactly(direct.hiddenChannels());
        // Mamba: 8 heads in 2 groups of 4; keep 4 = the best 2 of each group by the report's scores
        PrunePlan plan = PlanBuilder.plan(model.graph(), new PruneTargets(null, null, null, 4), read);
        double[] s = read.mambaHeads().get(0);
        int[] want = IntStream.concat(top2(s, 0), top2(s, 4)).sorted().toArray();
        assertThat(plan.units(0)).containsExactly(want);
        assertThat(Arrays.stream(plan.units(0)).filter(h -> h < 4).count()).isEqualTo(2);
        List<Path> charts = ImportanceChart.write(a, json);
        assertThat(charts).allSatisfy(p -> assertThat(Files.size(p)).isGreaterThan(1000));
    }

    private static IntStream top2(double[] s, int from) {
        return IntStream.range(from, from + 4).boxed().sorted(Comparator.comparingDouble((Integer i) -> -s[i])).limit(2)
                .mapToInt(Integer::intValue);
    }

    private static int[] ranking(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    private static double[] rmsNorm(double[] h, int rows, double[] w) {
        int d = w.length;
        double[] out = new double[h.length];
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int c = 0; c < d; c++) {
                ss += h[r * d + c] * h[r * d + c];
            }
            double inv = 1 / Math.sqrt(ss / d + EPS);
            for (int c = 0; c < d; c++) {
                out[r * d + c] = h[r * d + c] * inv * w[c];
            }
        }
        return out;
    }

    private static double[] meanAbs(double[] a, int rows, int cols) {
        double[] m = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[c] += Math.abs(a[r * cols + c]);
            }
        }
        for (int c = 0; c < cols; c++) {
            m[c] /= rows;
        }
        return m;
    }
}
