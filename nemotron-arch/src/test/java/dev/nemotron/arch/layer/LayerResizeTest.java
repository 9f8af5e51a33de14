package dev.nemotron.arch.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.layer.LayerResize;
import dev.nemotron.api.layer.ParameterSlice;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.ResizedLayer;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.arch.model.ModelGraph;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The resize hook of the built-in layers (pruning): a narrower layer's parameters have the shapes
 * its config fields imply, and where slicing is mathematically exact its forward equals the
 * original's restricted to the kept channels (zero-contribution MLP neurons and attention heads
 * dropped; hidden channels dropped from an input that is zero there).
 */
class LayerResizeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Layer 0 Mamba-2 (8 heads in 2 groups), 1 attention (4 query heads, 2 KV heads), 2 MLP; biases on. */
    private static final String BASE = """
            {"vocab_size": 20, "hidden_size": 10, "hybrid_override_pattern": "M*-",
             "mamba_num_heads": 8, "mamba_head_dim": 3, "n_groups": 2, "ssm_state_size": 4, "conv_kernel": 3,
             "chunk_size": 4, "use_bias": true, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 5,
             "intermediate_size": 12, "mlp_bias": true, "layer_norm_epsilon": 1e-5}""";
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = Backends.create("java");
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static ModelGraph graph(String json) {
        MixerRegistry registry = MixerRegistry.discover();
        return ModelGraph.of(new ConfigParser(registry).parse(json, "<test>"), registry);
    }

    /** {@code BASE} with the resized layer's config fields. */
    private static ModelGraph resizedGraph(ResizedLayer r) throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(BASE);
        r.configFields().forEach((k, v) -> {
            switch (v) {
                case Integer i -> c.put(k, i);
                case Boolean b -> c.put(k, b);
                case List<?> l -> {
                    ArrayNode a = c.putArray(k);
                    l.forEach(x -> a.add((Double) x));
                }
                default -> throw new IllegalStateException(k + " = " + v);
            }
        });
        return graph(c.toString());
    }

    /** Random weights for the mixer of {@code layer}, by name relative to the mixer. */
    private static Map<String, float[]> weights(LayerPlan layer, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> w = new HashMap<>();
        for (ParameterSpec p : layer.mixerParameters()) {
            float[] v = new float[(int) p.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextDouble(-0.5, 0.5));
            }
            w.put(p.name(), v);
        }
        return w;
    }

    private static Map<String, float[]> sliced(ResizedLayer r, Map<String, float[]> w) {
        Map<String, float[]> out = new HashMap<>();
        for (ParameterSlice s : r.slices()) {
            out.put(s.name(), s.apply(w.get(s.name())));
        }
        return out;
    }

    private static float[] forward(LayerPlan layer, Map<String, float[]> w, float[] x, int rows) {
        Map<String, Tensor> tensors = new HashMap<>();
        for (ParameterSpec p : layer.mixerParameters()) {
            if (w.containsKey(p.name())) {
                tensors.put(p.name(), Tensor.ofFloats(w.get(p.name()), p.shape()));
            }
        }
        WeightSource source = new WeightSource() {
            @Override
            public Optional<Tensor> find(String name) {
                return Optional.ofNullable(tensors.get(name));
            }

            @Override
            public Tensor require(String name) {
                return find(name).orElseThrow(() -> new IllegalStateException("missing " + name));
            }
        };
        float[] out = new float[rows * layer.dims().hidden()];
        layer.factory().create(layer.context(), source, backend.kernels().orElseThrow()).forward(x, rows, out);
        return out;
    }

    private static float[] input(int rows, int hidden, int[] zeroOutside, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[rows * hidden];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        if (zeroOutside != null) {
            for (int t = 0; t < rows; t++) {
                for (int c = 0; c < hidden; c++) {
                    if (Arrays.binarySearch(zeroOutside, c) < 0) {
                        x[t * hidden + c] = 0;
                    }
                }
            }
        }
        return x;
    }

    private static float[] columns(float[] x, int rows, int hidden, int[] kept) {
        float[] out = new float[rows * kept.length];
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < kept.length; j++) {
                out[t * kept.length + j] = x[t * hidden + kept[j]];
            }
        }
        return out;
    }

    /** Resizes layer {@code i} and checks the slices against the shapes the new config implies. */
    private static ResizedLayer resizeAndCheckShapes(int i, LayerResize keep) throws Exception {
        LayerPlan layer = graph(BASE).layers().get(i);
        ResizedLayer r = layer.factory().resize(layer.context(), keep);
        LayerPlan narrow = resizedGraph(r).layers().get(i);
        assertThat(narrow.dims()).isEqualTo(r.dims());
        assertThat(r.slices()).extracting(ParameterSlice::name)
                .containsExactlyElementsOf(narrow.mixerParameters().stream().map(ParameterSpec::name).toList());
        for (ParameterSpec p : narrow.mixerParameters()) {
            assertThat(r.slice(p.name()).newShape()).as(p.name()).isEqualTo(p.shape());
            assertThat(r.slice(p.name()).oldShape()).isEqualTo(layer.mixerParameters().stream()
                    .filter(o -> o.name().equals(p.name())).findFirst().orElseThrow().shape());
        }
        return r;
    }

    @Test
    void mlpWithoutZeroContributionNeuronsComputesTheSame() throws Exception {
        int[] kept = {0, 2, 3, 7, 11};
        ResizedLayer r = resizeAndCheckShapes(2, LayerResize.units(kept));
        assertThat(r.dims()).isEqualTo(new MlpDims(10, 5, true));
        assertThat(r.configFields()).containsEntry("intermediate_size", 5);
        LayerPlan layer = graph(BASE).layers().get(2);
        Map<String, float[]> w = weights(layer, 1);
        float[] down = w.get("down_proj.weight"); // [10, 12]: zero the columns of dropped neurons
        for (int o = 0; o < 10; o++) {
            for (int n = 0; n < 12; n++) {
                if (Arrays.binarySearch(kept, n) < 0) {
                    down[o * 12 + n] = 0;
                }
            }
        }
        float[] x = input(3, 10, null, 2);
        float[] full = forward(layer, w, x, 3);
        float[] narrow = forward(resizedGraph(r).layers().get(2), sliced(r, w), x, 3);
        assertThat(narrow).containsExactly(full, offset(1e-5f));
    }

    @Test
    void attentionWithoutZeroContributionHeadsComputesTheSame() throws Exception {
        int[] kept = {1, 2}; // one query head of each KV head
        ResizedLayer r = resizeAndCheckShapes(1, LayerResize.units(kept));
        assertThat(r.dims()).isEqualTo(new AttentionDims(10, 2, 2, 5));
        LayerPlan layer = graph(BASE).layers().get(1);
        Map<String, float[]> w = weights(layer, 3);
        float[] o = w.get("o_proj.weight"); // [10, 20]: zero the columns of dropped heads
        for (int row = 0; row < 10; row++) {
            for (int c = 0; c < 20; c++) {
                if (Arrays.binarySearch(kept, c / 5) < 0) {
                    o[row * 20 + c] = 0;
                }
            }
        }
        float[] x = input(4, 10, null, 4);
        float[] full = forward(layer, w, x, 4);
        float[] narrow = forward(resizedGraph(r).layers().get(1), sliced(r, w), x, 4);
        assertThat(narrow).containsExactly(full, offset(1e-5f));
    }

    @Test
    void droppedHiddenChannelsThatCarryZeroChangeNothingInTheKeptOnes() throws Exception {
        int[] kept = {0, 1, 4, 5, 6, 9};
        for (int i = 0; i < 3; i++) {
            ResizedLayer r = resizeAndCheckShapes(i, LayerResize.hidden(kept));
            assertThat(r.dims().hidden()).isEqualTo(kept.length);
            LayerPlan layer = graph(BASE).layers().get(i);
            Map<String, float[]> w = weights(layer, 10 + i);
            float[] x = input(5, 10, kept, 20 + i);
            float[] full = columns(forward(layer, w, x, 5), 5, 10, kept);
            float[] narrow = forward(resizedGraph(r).layers().get(i), sliced(r, w), columns(x, 5, 10, kept), 5);
            assertThat(narrow).as("layer %d", i).containsExactly(full, offset(1e-5f));
        }
    }

    @Test
    void mambaKeepsTheSameHeadsInEveryGroupAndSlicesEveryHeadParameter() throws Exception {
        int[] kept = {1, 2, 4, 7}; // 2 of the 4 heads of each group
        ResizedLayer r = resizeAndCheckShapes(0, LayerResize.units(kept));
        assertThat(r.dims()).isEqualTo(new Mamba2Dims(10, 4, 3, 2, 4, 3, 4, true, true, 0, Double.POSITIVE_INFINITY));
        assertThat(r.configFields()).containsEntry("mamba_num_heads", 4).containsEntry("n_groups", 2);
        LayerPlan layer = graph(BASE).layers().get(0);
        Map<String, float[]> w = weights(layer, 5);
        Map<String, float[]> s = sliced(r, w);
        for (String name : List.of("A_log", "D", "dt_bias")) {
            float[] old = w.get(name);
            assertThat(s.get(name)).as(name).containsExactly(old[1], old[2], old[4], old[7]);
        }
        // in_proj rows: z | x | B C | dt; head 2 of the narrow layer is old head 4
        int d = 24;
        int gn2 = 2 * 2 * 4;
        float[] in = w.get("in_proj.weight");
        float[] narrowIn = s.get("in_proj.weight");
        int nd = 12;
        assertThat(row(narrowIn, 2 * 3, 10)).as("z of head 2").containsExactly(row(in, 4 * 3, 10));
        assertThat(row(narrowIn, nd + 2 * 3 + 1, 10)).as("x of head 2").containsExactly(row(in, d + 4 * 3 + 1, 10));
        assertThat(row(narrowIn, 2 * nd + 5, 10)).as("B/C stay").containsExactly(row(in, 2 * d + 5, 10));
        assertThat(row(narrowIn, 2 * nd + gn2 + 3, 10)).as("dt of head 3").containsExactly(row(in, 2 * d + gn2 + 7, 10));
        float[] conv = w.get("conv1d.weight");
        float[] narrowConv = s.get("conv1d.weight");
        assertThat(row(narrowConv, nd + 1, 3)).as("conv channel of B").containsExactly(row(conv, d + 1, 3));
    }

    private static float[] row(float[] m, int r, int width) {
        return Arrays.copyOfRange(m, r * width, (r + 1) * width);
    }

    @Test
    void unevenHeadsPerGroupAndOutOfRangeIndicesAreRefused() {
        LayerPlan mamba = graph(BASE).layers().get(0);
        assertThatThrownBy(() -> mamba.factory().resize(mamba.context(), LayerResize.units(0, 1, 4)))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("the same number in each of the 2 groups (n_groups), got [2, 1]");
        LayerPlan attention = graph(BASE).layers().get(1);
        assertThatThrownBy(() -> attention.factory().resize(attention.context(), LayerResize.units(0, 1)))
                .isInstanceOf(NemotronException.class).hasMessageContaining("num_key_value_heads");
        LayerPlan mlp = graph(BASE).layers().get(2);
        assertThatThrownBy(() -> mlp.factory().resize(mlp.context(), LayerResize.units(3, 12)))
                .isInstanceOf(NemotronException.class).hasMessageContaining("MLP neuron index 12 is out of range");
        assertThatThrownBy(() -> LayerResize.units(3, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
