package dev.nemotron.arch.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MemoryEstimatorTest {
    private static ModelGraph graph(Path config) {
        MixerRegistry registry = MixerRegistry.discover();
        NemotronHConfig c = new ConfigParser(registry).parse(config);
        return ModelGraph.of(c, registry);
    }

    /** The published figures of NVIDIA-Nemotron-Nano-9B-v2 (paper and model card). */
    @Test
    void nano9bV2MatchesPublishedFigures() {
        ModelGraph g = graph(Fixtures.repoRoot().resolve("examples/configs/nemotron-nano-9b-v2/config.json"));
        MemoryEstimate e = MemoryEstimator.estimate(g, 131072, 1);
        assertThat(e.parameters()).isEqualTo(8_888_227_328L);
        assertThat(e.cacheDtype()).isEqualTo(DType.BF16);
        assertThat(e.kvCacheBytes()).isEqualTo(2_147_483_648L);
        assertThat(e.ssmStateBytes()).isEqualTo(141_557_760L);
        // conv window: 27 layers x (128*80 + 2*8*128) channels x (K-1 = 3) x 2 bytes
        assertThat(e.convStateBytes()).isEqualTo(27L * 12288 * 3 * 2);
        assertThat(e.weightsBytes()).isEqualTo(8_888_227_328L * 2);
        assertThat(e.totalBytes()).isEqualTo(e.weightsBytes() + e.kvCacheBytes() + e.ssmStateBytes() + e.convStateBytes());
    }

    @Test
    void largestBatchIsTheLastBatchWhoseTotalFitsTheBudget() {
        ModelGraph g = graph(Fixtures.repoRoot().resolve("examples/configs/nemotron-nano-9b-v2/config.json"));
        long three = MemoryEstimator.estimate(g, 24576, 3).totalBytes();
        assertThat(MemoryEstimator.largestBatch(g, 24576, three, 1024)).isEqualTo(3);
        assertThat(MemoryEstimator.largestBatch(g, 24576, three - 1, 1024)).isEqualTo(2);
        long weights = MemoryEstimator.estimate(g, 24576, 1).weightsBytes();
        assertThat(MemoryEstimator.largestBatch(g, 24576, weights, 1024)).as("weights alone leave no room").isZero();
        assertThat(MemoryEstimator.largestBatch(g, 24576, Long.MAX_VALUE, 64)).isEqualTo(64);
    }

    @Test
    void cachesScaleWithBatchAndContext() {
        ModelGraph g = graph(Fixtures.repoRoot().resolve("examples/configs/nemotron-nano-9b-v2/config.json"));
        MemoryEstimate one = MemoryEstimator.estimate(g, 1024, 1);
        MemoryEstimate many = MemoryEstimator.estimate(g, 2048, 4);
        assertThat(many.kvCacheBytes()).isEqualTo(one.kvCacheBytes() * 8);
        assertThat(many.ssmStateBytes()).isEqualTo(one.ssmStateBytes() * 4);
        assertThat(many.convStateBytes()).isEqualTo(one.convStateBytes() * 4);
    }

    @Test
    void parameterCountEqualsTheTensorsOfTheFixtureCheckpoint() {
        Path dir = Fixtures.dir("tiny-nemotron-h-a");
        ModelGraph g = graph(dir);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            long numel = 0;
            for (String name : ckpt.names()) {
                numel += ckpt.require(name).numel();
            }
            assertThat(g.parameterCount()).isEqualTo(numel);
            MemoryEstimate e = MemoryEstimator.estimate(g, 100, 2, ckpt.dtypes());
            assertThat(e.weightsBytes()).isEqualTo(numel * 4);
        }
    }
}
