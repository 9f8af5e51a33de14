package dev.nemotron.compress.nas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.compress.TinyModels;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.prune.MagnitudeRanking;
import dev.nemotron.compress.prune.PruneTargets;
import dev.nemotron.compress.prune.Pruning;
import dev.nemotron.compress.prune.Rankings;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Parameters;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogitMseProxyTest {
    static List<int[]> calibration() {
        SplittableRandom r = new SplittableRandom(3);
        return List.of(r.ints(12, 0, 512).toArray(), r.ints(9, 0, 512).toArray());
    }

    static LogitMseProxy proxy(int top) {
        Path dir = TinyModels.fixture();
        ModelDirectory md = ModelDirectory.open(dir);
        ModelGraph graph = ModelGraph.of(md.config(), md.registry());
        Rankings rankings;
        try (Checkpoint c = md.openCheckpoint()) {
            rankings = MagnitudeRanking.of(graph, c);
        }
        return new LogitMseProxy(new TrainableModel(graph, Parameters.load(graph, dir)), ModelFiles.readConfig(dir),
                md.registry(), rankings, calibration(), "test", top);
    }

    static Candidate shape(int layers, int hidden, int ffn, int heads) {
        return new Candidate(layers, hidden, ffn, heads, "", List.of(), null, null, Double.NaN, 0);
    }

    @Test
    void theParentsOwnShapeScoresZero() {
        assertThat(proxy(1).score(shape(10, 64, 192, 8))).isEqualTo(0.0);
    }

    /** The score is the MSE of the checkpoint 'compress prune' writes, loaded back: no second pruning path. */
    @Test
    void scoreEqualsTheMseOfThePrunedCheckpoint(@TempDir Path tmp) {
        LogitMseProxy proxy = proxy(1);
        double score = proxy.score(shape(8, 48, 128, 4));
        Pruning.prune(TinyModels.fixture(), new PruneTargets(8, 48, 128, 4), null, tmp.resolve("p"), 1L << 30);
        TrainableModel pruned = TrainableModel.load(tmp.resolve("p"));
        TrainableModel parent = TrainableModel.load(TinyModels.fixture());
        double sum = 0;
        long n = 0;
        for (int[] s : calibration()) {
            double[] a = pruned.logits(s);
            double[] b = parent.logits(s);
            for (int i = 0; i < a.length; i++) {
                sum += (a[i] - b[i]) * (a[i] - b[i]);
            }
            n += a.length;
        }
        assertThat(score).isPositive().isCloseTo(sum / n, within(1e-9 * score));
    }

    @Test
    void theSearchRanksTheLargestFeasibleCandidatesByMse() {
        LogitMseProxy proxy = proxy(4);
        NasReport r = Nas.run(new Nas.Request(TinyModels.fixture(), 1, 256, 1, 0, DType.BF16, new Range(8, 9, 1),
                new Range(48, 64, 16), Range.of(192), new Range(6, 8, 2), proxy.layerRemovalOrder(), proxy));
        List<Candidate> c = r.candidates();
        assertThat(c).hasSize(8).allMatch(Candidate::feasible);
        for (int i = 0; i < 4; i++) {
            assertThat(c.get(i).proxy()).isNotNaN();
            if (i > 0) {
                assertThat(c.get(i).proxy()).isGreaterThanOrEqualTo(c.get(i - 1).proxy());
            }
        }
        for (int i = 4; i < 8; i++) {
            assertThat(c.get(i).proxy()).isNaN();
            assertThat(c.get(i).parameters()).isLessThanOrEqualTo(c.get(3).parameters());
        }
        assertThat(r.toJson().get("proxy").asText()).isEqualTo("logit_mse");
        assertThat(r.depthPolicy()).contains("of the ranking");
    }
}
