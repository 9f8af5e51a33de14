package dev.nemotron.compress.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.ForwardResult;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.compress.TinyModels;
import dev.nemotron.train.autodiff.TrainableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointPrunerTest {
    private static final int[] TOKENS = {1, 17, 250, 3, 99, 42, 7, 311, 5, 480, 12, 64};

    @TempDir
    Path tmp;

    @Test
    void pruningNothingIsTheIdentityBitForBit() throws Exception {
        Path out = tmp.resolve("same");
        CheckpointPruner.Result r = CheckpointPruner.prune(TinyModels.fixture(), PrunePlan.identity(), out);
        assertThat(r.parametersAfter()).isEqualTo(r.parametersBefore());
        JsonNode before = JsonMappers.lenient().readTree(Files.readString(TinyModels.fixture().resolve("config.json")));
        JsonNode after = JsonMappers.lenient().readTree(Files.readString(out.resolve("config.json")));
        assertThat(after).isEqualTo(before);
        try (Checkpoint a = Checkpoint.open(TinyModels.fixture()); Checkpoint b = Checkpoint.open(out)) {
            assertThat(b.names()).containsExactlyInAnyOrderElementsOf(a.names());
            for (String n : a.names()) {
                Tensor x = a.require(n);
                Tensor y = b.require(n);
                assertThat(y.dtype()).isEqualTo(x.dtype());
                assertThat(y.shape()).as(n).isEqualTo(x.shape());
                assertThat(y.data().mismatch(x.data())).as(n + " bytes").isEqualTo(-1L);
            }
        }
    }

    @Test
    void droppingLayersThatAddNothingLeavesTheLogitsUnchanged() throws Exception {
        // layers 1 (MLP) and 3 (attention) add zero to the residual once their output projections are zero
        Path zeroed = TinyModels.edited(tmp.resolve("zeroed"), (name, v) -> {
            if (name.equals("backbone.layers.1.mixer.down_proj.weight") || name.equals("backbone.layers.3.mixer.o_proj.weight")) {
                Arrays.fill(v, 0f);
            }
        });
        Path out = tmp.resolve("depth");
        CheckpointPruner.Result r = CheckpointPruner.prune(zeroed, new PrunePlan(new int[] {0, 2, 4, 5, 6, 7, 8, 9}, null, Map.of()), out);
        JsonNode cfg = JsonMappers.lenient().readTree(Files.readString(out.resolve("config.json")));
        assertThat(cfg.get("layers_block_type")).hasSize(8);
        assertThat(cfg.get("layers_block_type").get(1).textValue()).isEqualTo("linear_attention");
        assertThat(r.mapping().graph().config().pattern()).isEqualTo("MM-M-M*-");
        // renumbered: old layer 2 is new layer 1
        try (Checkpoint a = Checkpoint.open(zeroed); Checkpoint b = Checkpoint.open(out)) {
            assertThat(b.require("backbone.layers.1.mixer.in_proj.weight").data()
                    .mismatch(a.require("backbone.layers.2.mixer.in_proj.weight").data())).isEqualTo(-1L);
            assertThat(b.contains("backbone.layers.8.norm.weight")).isFalse();
        }
        double[] full = TrainableModel.load(zeroed).logits(TOKENS);
        double[] pruned = TrainableModel.load(out).logits(TOKENS);
        assertThat(pruned).containsExactly(full);
    }

    @Test
    void droppingMlpNeuronsAndAttentionHeadsThatAddNothingLeavesTheLogitsUnchanged() throws Exception {
        int[] deadNeurons = {3, 50, 51, 100, 191};
        Path zeroed = TinyModels.edited(tmp.resolve("zeroed"), (name, v) -> {
            if (name.endsWith("mixer.up_proj.weight")) {        // [192, 64]: rows
                for (int j : deadNeurons) {
                    Arrays.fill(v, j * 64, j * 64 + 64, 0f);
                }
            }
            if (name.endsWith("mixer.o_proj.weight")) {         // [64, 4 heads x 16]: heads 0 and 3 write nothing
                for (int r = 0; r < 64; r++) {
                    Arrays.fill(v, r * 64, r * 64 + 16, 0f);
                    Arrays.fill(v, r * 64 + 48, r * 64 + 64, 0f);
                }
            }
        });
        int[] kept = IntStream.range(0, 192).filter(j -> Arrays.stream(deadNeurons).noneMatch(d -> d == j)).toArray();
        int[] heads = {1, 2};                                    // one query head per KV head
        Map<Integer, int[]> units = Map.of(1, kept, 4, kept, 6, kept, 9, kept, 3, heads, 8, heads);
        Path out = tmp.resolve("ffn");
        CheckpointPruner.prune(zeroed, new PrunePlan(null, null, units), out);
        JsonNode cfg = JsonMappers.lenient().readTree(Files.readString(out.resolve("config.json")));
        assertThat(cfg.get("intermediate_size").intValue()).isEqualTo(187);
        assertThat(cfg.get("num_attention_heads").intValue()).isEqualTo(2);
        assertThat(cfg.get("num_key_value_heads").intValue()).isEqualTo(2);
        assertThat(TrainableModel.load(out).logits(TOKENS)).containsExactly(TrainableModel.load(zeroed).logits(TOKENS));
    }

    @Test
    void widthPrunedModelHasTheKeptValuesAndRunsInBothSdkPaths() throws Exception {
        int[] hidden = IntStream.range(0, 64).filter(c -> c % 4 != 1).toArray();      // 48 channels
        int[] heads = {0, 2, 5, 7};                                                     // 2 per group
        Map<Integer, int[]> units = Map.of(0, heads, 2, heads, 5, heads, 7, heads);
        Path out = tmp.resolve("width");
        CheckpointPruner.prune(TinyModels.fixture(), new PrunePlan(null, hidden, units), out, 20_000);
        JsonNode cfg = JsonMappers.lenient().readTree(Files.readString(out.resolve("config.json")));
        assertThat(cfg.get("hidden_size").intValue()).isEqualTo(48);
        assertThat(cfg.get("mamba_num_heads").intValue()).isEqualTo(4);
        assertThat(cfg.get("n_groups").intValue()).isEqualTo(2);
        assertThat(Files.list(out).filter(p -> p.toString().endsWith(".safetensors")).count()).as("shards").isGreaterThan(1);
        Map<String, float[]> a = TinyModels.weights(TinyModels.fixture());
        Map<String, float[]> b = TinyModels.weights(out);
        // embeddings [512, 64] -> [512, 48]: row v, kept column k
        for (int v = 0; v < 512; v += 37) {
            for (int k = 0; k < hidden.length; k++) {
                assertThat(b.get("backbone.embeddings.weight")[v * 48 + k]).isEqualTo(a.get("backbone.embeddings.weight")[v * 64 + hidden[k]]);
            }
        }
        // Mamba in_proj rows: z [128] | x [128] | B [32] | C [32] | dt [8]; kept heads 0,2,5,7 of 16 channels
        float[] inA = a.get("backbone.layers.0.mixer.in_proj.weight");
        float[] inB = b.get("backbone.layers.0.mixer.in_proj.weight");
        assertThat(inB).hasSize((64 + 64 + 32 + 32 + 4) * 48);
        int[] rows = IntStream.concat(IntStream.concat(
                Arrays.stream(heads).flatMap(h -> IntStream.range(h * 16, h * 16 + 16)),
                Arrays.stream(heads).flatMap(h -> IntStream.range(128 + h * 16, 128 + h * 16 + 16))),
                IntStream.concat(IntStream.range(256, 320), Arrays.stream(heads).map(h -> 320 + h))).toArray();
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k < hidden.length; k++) {
                assertThat(inB[r * 48 + k]).isEqualTo(inA[rows[r] * 64 + hidden[k]]);
            }
        }
        assertThat(b.get("backbone.layers.0.mixer.A_log")).containsExactly(
                Arrays.stream(heads).mapToObj(h -> a.get("backbone.layers.0.mixer.A_log")[h]).toArray(Float[]::new));
        // the training path and the inference path load it and agree
        double[] train = TrainableModel.load(out).logits(TOKENS);
        assertThat(Arrays.stream(train).allMatch(Double::isFinite)).isTrue();
        try (Backend backend = Backends.create("java"); HybridModel m = HybridModel.load(out, backend)) {
            ForwardResult r = m.forward(TOKENS, false);
            float[] infer = r.logits();
            double maxErr = 0;
            for (int i = 0; i < infer.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(infer[i] - train[i]));
            }
            assertThat(maxErr).isLessThan(1e-3);
        }
    }

    @Test
    void magnitudeRankingIsTheWeightNorms() {
        Map<String, float[]> w = TinyModels.weights(TinyModels.fixture());
        double[] want = new double[64];
        for (String t : new String[] {"backbone.embeddings.weight", "lm_head.weight"}) {
            double[] sq = new double[64];
            for (int i = 0; i < w.get(t).length; i++) {
                sq[i % 64] += (double) w.get(t)[i] * w.get(t)[i];
            }
            for (int c = 0; c < 64; c++) {
                want[c] += Math.sqrt(sq[c]);
            }
        }
        dev.nemotron.arch.config.ModelDirectory dir = dev.nemotron.arch.config.ModelDirectory.open(TinyModels.fixture());
        dev.nemotron.arch.model.ModelGraph graph = dev.nemotron.arch.model.ModelGraph.of(dir.config(), dir.registry());
        Rankings r;
        try (Checkpoint c = dir.openCheckpoint()) {
            r = MagnitudeRanking.of(graph, c);
        }
        for (int c = 0; c < 64; c++) {
            assertThat(r.hiddenChannels()[c]).isCloseTo(want[c], org.assertj.core.data.Offset.offset(1e-9));
        }
        // MLP neuron j of layer 1: ||up[j, :]|| * ||down[:, j]||
        float[] up = w.get("backbone.layers.1.mixer.up_proj.weight");
        float[] down = w.get("backbone.layers.1.mixer.down_proj.weight");
        for (int j = 0; j < 192; j += 17) {
            double u = 0;
            double d = 0;
            for (int c = 0; c < 64; c++) {
                u += (double) up[j * 64 + c] * up[j * 64 + c];
                d += (double) down[c * 192 + j] * down[c * 192 + j];
            }
            assertThat(r.mlpNeurons().get(1)[j]).isCloseTo(Math.sqrt(u) * Math.sqrt(d), org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(r.layerRemovalOrder()).hasSize(10).doesNotHaveDuplicates();
        assertThat(r.mambaHeads().get(0)).hasSize(8);
    }

    @Test
    void refusesPlansTheModelCannotTake() {
        assertThatThrownBy(() -> CheckpointPruner.prune(TinyModels.fixture(),
                new PrunePlan(null, null, Map.of(0, new int[] {0, 1, 2})), tmp.resolve("a")))
                .hasMessageContaining("same number in each of the 2 groups");
        assertThatThrownBy(() -> CheckpointPruner.prune(TinyModels.fixture(),
                new PrunePlan(null, null, Map.of(1, new int[] {0, 1, 2})), tmp.resolve("b")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("intermediate_size");
        assertThatThrownBy(() -> CheckpointPruner.prune(TinyModels.fixture(), new PrunePlan(new int[] {0, 12}, null, Map.of()),
                tmp.resolve("c"))).hasMessageContaining("layer index 12 is out of range");
        assertThatThrownBy(() -> CheckpointPruner.prune(TinyModels.fixture(), PrunePlan.identity(), TinyModels.fixture()))
                .hasMessageContaining("is an input model");
    }
}
