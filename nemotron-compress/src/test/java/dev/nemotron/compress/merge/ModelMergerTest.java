package dev.nemotron.compress.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.compress.TinyModels;
import dev.nemotron.compress.prune.CheckpointPruner;
import dev.nemotron.compress.prune.PrunePlan;
import dev.nemotron.testing.Fixtures;
import dev.nemotron.train.autodiff.TrainableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMergerTest {
    @TempDir
    static Path tmp;
    private static Path a;
    private static Path b;
    private static Path base;

    @BeforeAll
    static void models() throws Exception {
        a = TinyModels.fixture();
        SplittableRandom r = new SplittableRandom(11);
        b = TinyModels.edited(tmp.resolve("b"), (name, v) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.05 * r.nextGaussian());
            }
        });
        SplittableRandom r2 = new SplittableRandom(12);
        base = TinyModels.edited(tmp.resolve("base"), (name, v) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] -= (float) (0.02 * r2.nextGaussian());
            }
        });
    }

    private static Path merge(String name, ModelMerger.Spec spec) {
        Path out = tmp.resolve(name);
        ModelMerger.merge(spec, out, 1L << 30);
        return out;
    }

    @Test
    void mergingAModelWithItselfReturnsItBitForBit() {
        for (MergeMethod m : new MergeMethod[] {MergeMethod.LINEAR, MergeMethod.SLERP}) {
            for (String fixture : new String[] {"tiny-nemotron-h-a", "tiny-nemotron-h-a-bf16"}) {
                Path in = Fixtures.dir(fixture);
                Path out = merge("self-" + m + "-" + fixture, new ModelMerger.Spec(in, in, null, m, 0.37, 1));
                assertSameBytes(out, in);
            }
        }
    }

    @Test
    void alphaZeroAndOneGiveTheEndpointsExactly() {
        assertSameBytes(merge("a0", new ModelMerger.Spec(a, b, null, MergeMethod.LINEAR, 0, 1)), a);
        assertSameBytes(merge("a1", new ModelMerger.Spec(a, b, null, MergeMethod.LINEAR, 1, 1)), b);
        assertSameBytes(merge("s1", new ModelMerger.Spec(a, b, null, MergeMethod.SLERP, 1, 1)), b);
        assertSameBytes(merge("t0", new ModelMerger.Spec(a, b, base, MergeMethod.TASK_ARITHMETIC, 0, 1)), a);
    }

    @Test
    void interpolatesElementwiseAndRuns() throws Exception {
        String n = "backbone.layers.0.mixer.in_proj.weight";
        Path lin = merge("lin", new ModelMerger.Spec(a, b, null, MergeMethod.LINEAR, 0.25, 1));
        Path task = merge("task", new ModelMerger.Spec(a, b, base, MergeMethod.TASK_ARITHMETIC, 0.25, 0.5));
        Path slerp = merge("slerp", new ModelMerger.Spec(a, b, null, MergeMethod.SLERP, 0.25, 1));
        float[] x = TinyModels.weights(a).get(n);
        float[] y = TinyModels.weights(b).get(n);
        float[] c = TinyModels.weights(base).get(n);
        float[] l = TinyModels.weights(lin).get(n);
        float[] t = TinyModels.weights(task).get(n);
        float[] s = TinyModels.weights(slerp).get(n);
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            nx += (double) x[i] * x[i];
            ny += (double) y[i] * y[i];
        }
        double omega = Math.acos(dot / Math.sqrt(nx * ny));
        assertThat(omega).isGreaterThan(0.01);
        for (int i = 0; i < x.length; i++) {
            assertThat(l[i]).isEqualTo((float) (0.75 * x[i] + 0.25 * y[i]));
            assertThat(t[i]).isEqualTo((float) (c[i] + 0.5 * (0.75 * ((double) x[i] - c[i]) + 0.25 * ((double) y[i] - c[i]))));
            double want = Math.sin(0.75 * omega) / Math.sin(omega) * x[i] + Math.sin(0.25 * omega) / Math.sin(omega) * y[i];
            assertThat((double) s[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(java.util.Arrays.stream(TrainableModel.load(lin).logits(new int[] {1, 2, 3, 4})).allMatch(Double::isFinite)).isTrue();
        assertThat(Files.exists(lin.resolve("config.json"))).isTrue();
    }

    @Test
    void streamsIntoShardsAndKeepsTheDtype() {
        Path in = Fixtures.dir("tiny-nemotron-h-a-bf16");
        Path out = tmp.resolve("bf16-sharded");
        ModelMerger.Result r = ModelMerger.merge(new ModelMerger.Spec(in, in, null, MergeMethod.LINEAR, 0.5, 1), out, 30_000);
        assertThat(r.shards()).hasSizeGreaterThan(3);
        assertThat(r.copied()).isEqualTo(r.tensors());
        try (Checkpoint c = Checkpoint.open(out)) {
            assertThat(c.dtypes().keySet()).containsExactly(DType.BF16);
        }
    }

    @Test
    void refusesAMismatchedPairNamingTheField() throws Exception {
        Path narrow = tmp.resolve("narrow");
        CheckpointPruner.prune(a, new PrunePlan(null, null, Map.of(0, new int[] {0, 4}, 2, new int[] {0, 4}, 5, new int[] {0, 4},
                7, new int[] {0, 4})), narrow);
        assertThatThrownBy(() -> merge("bad1", new ModelMerger.Spec(a, narrow, null, MergeMethod.LINEAR, 0.5, 1)))
                .hasMessageContaining("mamba_num_heads").hasMessageContaining("2 vs 8");
        Path shallow = tmp.resolve("shallow");
        CheckpointPruner.prune(a, new PrunePlan(new int[] {0, 1, 2}, null, Map.of()), shallow);
        assertThatThrownBy(() -> merge("bad2", new ModelMerger.Spec(a, shallow, null, MergeMethod.LINEAR, 0.5, 1)))
                .hasMessageContaining("layer pattern");
        Path vocab = Fixtures.withConfig(a, tmp.resolve("vocab"),
                Files.readString(a.resolve("config.json")).replace("\"vocab_size\": 512", "\"vocab_size\": 600"));
        assertThatThrownBy(() -> merge("bad3", new ModelMerger.Spec(a, vocab, null, MergeMethod.LINEAR, 0.5, 1)))
                .hasMessageContaining("vocab_size");
        assertThatThrownBy(() -> new ModelMerger.Spec(a, b, null, MergeMethod.TASK_ARITHMETIC, 0.5, 1))
                .hasMessageContaining("needs --base");
        assertThatThrownBy(() -> new ModelMerger.Spec(a, b, null, MergeMethod.LINEAR, 1.5, 1)).hasMessageContaining("--alpha");
    }

    private static void assertSameBytes(Path out, Path in) {
        try (Checkpoint x = Checkpoint.open(in); Checkpoint y = Checkpoint.open(out)) {
            assertThat(y.names()).containsExactlyInAnyOrderElementsOf(x.names());
            for (String n : x.names()) {
                Tensor p = x.require(n);
                Tensor q = y.require(n);
                assertThat(q.dtype()).isEqualTo(p.dtype());
                assertThat(q.shape()).isEqualTo(p.shape());
                assertThat(q.data().mismatch(p.data())).as(n).isEqualTo(-1L);
            }
        }
    }
}
