package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.check.GradientCheck;
import dev.nemotron.train.autodiff.check.PackedCheck;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.mamba.SelectiveScan;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A packed row equals its samples run one by one: the logits of every position, the loss and the
 * gradient of every parameter, to 1e-12 in float64, for Mamba-2, attention and MLP layers alone and
 * mixed, in both scan forms. With the packed row's cross-entropy the mean over its n counted
 * positions, and sample i's the mean over its n_i: n * loss_packed = sum_i n_i loss_i and
 * n * grad_packed = sum_i n_i grad_i. Segment starts fall inside a Mamba chunk and exactly on a
 * chunk edge; samples are shorter than the conv window. The segmented backward passes the
 * finite-difference check.
 */
class PackedSequencesTest {
    static final double TOL = 1e-12;

    /** A config of pattern {@code pattern}: chunk 3, conv kernel 3, two SSM groups, GQA, every bias on. */
    static String config(String pattern, int chunk) {
        return ModelTest.SMALL.replace("M*-M-*M", pattern).replace("\"chunk_size\": 3", "\"chunk_size\": " + chunk)
                .replace("\"mamba_num_heads\": 4, \"mamba_head_dim\": 3, \"n_groups\": 1",
                        "\"mamba_num_heads\": 4, \"mamba_head_dim\": 3, \"n_groups\": 2");
    }

    static TrainableModel model(String which) {
        return switch (which) {
            case "fixture" -> TrainableModel.load(ModelTest.FIXTURE);
            case "tied-clamped" -> random(ModelTest.TIED_CLAMPED, 3);
            case "mamba" -> random(config("MM", 3), 5);
            case "attention" -> random(config("**", 3), 6);
            case "mlp" -> random(config("--", 3), 7);
            default -> random(config("M*-M-*M", 3), 8);
        };
    }

    static TrainableModel random(String config, long seed) {
        MixerRegistry registry = MixerRegistry.discover();
        return TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(config, "config.json"), registry),
                seed);
    }

    static List<PackedCheck.Sample> samples(int[] lengths, int vocab, long seed) {
        return PackedCheck.randomSamples(Segments.of(lengths), vocab, seed);
    }

    static int[] concat(List<PackedCheck.Sample> samples) {
        return samples.stream().flatMapToInt(s -> Arrays.stream(s.tokens())).toArray();
    }

    /** Checks packed = separate on {@code model} (logits, loss, every gradient); returns the worst gradient error. */
    static double packedEqualsSeparate(TrainableModel model, List<PackedCheck.Sample> samples) {
        PackedCheck.Report r = PackedCheck.run(model, samples);
        assertThat(r.logitsError()).as("logits").isLessThanOrEqualTo(TOL);
        assertThat(r.lossError()).as("counted * packed loss vs sum of counted_i * loss_i").isLessThanOrEqualTo(TOL);
        for (PackedCheck.TensorError t : r.tensors()) {
            assertThat(t.error()).as("gradient of %s", t.name()).isLessThanOrEqualTo(TOL);
        }
        assertThat(r.tensors()).hasSize(model.parameters().all().size());
        assertThat(r.passed()).isTrue();
        return r.worstGradientError();
    }

    @ParameterizedTest(name = "{0}: samples {1}")
    @CsvSource(delimiter = ';', value = {
        "mixed;4 2 5",          // chunk 3, conv 3: a start inside chunk [3,6), one on the edge 6, a sample of 2 < conv 3
        "mixed;3 1 7",          // on the edge 3, a one-token sample, 4 inside a chunk
        "mixed;2 9",
        "mamba;4 2 5",
        "mamba;1 1 1 6",
        "attention;4 2 5",
        "attention;1 8",
        "mlp;4 2 5",
        "tied-clamped;5 3 6",   // chunk 128: the whole row one chunk; dt clamped; tied embeddings; conv 4
        "fixture;8 3 10",       // chunk 8, conv 4: a start on the edge 8, one inside at 11, a sample of 3 < conv 4
        "fixture;5 11 2"})
    void packedRowEqualsItsSamplesOneByOne(String which, String lengths) {
        TrainableModel model = model(which);
        int[] lens = Arrays.stream(lengths.split(" ")).mapToInt(Integer::parseInt).toArray();
        List<PackedCheck.Sample> samples = samples(lens, model.graph().config().vocabSize(), lens.length * 100L + lens[0]);
        for (SelectiveScan.Mode mode : SelectiveScan.Mode.values()) {
            double worst = packedEqualsSeparate(model.scanMode(mode), samples);
            System.out.printf("packed = separate, %s %s %s: worst gradient difference %.2e%n", which, lengths, mode, worst);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mixed", "mamba", "attention", "fixture"})
    void withoutSegmentsTheSamplesSeeEachOther(String which) {
        // the comparison above can fail: the same row unsegmented differs from the samples one by one
        TrainableModel model = model(which);
        List<PackedCheck.Sample> samples = samples(new int[] {5, 6}, model.graph().config().vocabSize(), 9);
        int[] tokens = concat(samples);
        double[] mixed = model.logits(tokens);
        double[] second = model.logits(samples.get(1).tokens());
        int vocab = model.graph().config().vocabSize();
        assertThat(PackedCheck.error(Arrays.copyOfRange(mixed, 5 * vocab, 11 * vocab), second)).isGreaterThan(1e-6);
    }

    @Test
    void oneSegmentIsTheUnpackedPassBitForBit() {
        TrainableModel model = model("mixed");
        PackedCheck.Sample s = samples(new int[] {11}, model.graph().config().vocabSize(), 4).get(0);
        Gradients plain = model.newGradients();
        Gradients single = model.newGradients();
        double a = model.lossAndGradients(s.tokens(), s.targets(), plain);
        double b = model.lossAndGradients(s.tokens(), Segments.single(11), s.targets(), single);
        assertThat(b).isEqualTo(a);
        for (String name : plain.names()) {
            assertThat(single.get(name)).as(name).containsExactly(plain.get(name));
        }
    }

    @ParameterizedTest(name = "{0} {1}: samples {2}")
    @CsvSource(delimiter = ';', value = {"mixed;CHUNKED;4 2 5", "mixed;RECURRENT;3 1 7", "tied-clamped;CHUNKED;5 3 6"})
    void theSegmentedBackwardPassesTheFiniteDifferenceCheck(String which, SelectiveScan.Mode mode, String lengths) {
        TrainableModel model = model(which).scanMode(mode);
        Segments seg = Segments.of(Arrays.stream(lengths.split(" ")).mapToInt(Integer::parseInt).toArray());
        GradientCheck.Report report = GradientCheck.run(model, seg, 6, 17);
        System.out.printf("gradcheck packed %s %s %s: worst relative error %.2e%n", which, mode, lengths,
                report.worstRelativeError());
        assertThat(report.passed()).as("worst relative error %s", report.worstRelativeError()).isTrue();
        assertThat(report.tensors()).hasSize(model.parameters().all().size());
    }
}
