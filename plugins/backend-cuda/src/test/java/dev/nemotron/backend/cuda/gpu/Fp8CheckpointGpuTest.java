package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.fp8.Fp8Format;
import dev.nemotron.arch.fp8.Fp8Quantizer;
import dev.nemotron.arch.fp8.Fp8Weights;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.model.RunOptions;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.backend.cuda.TestLibrary;
import dev.nemotron.backend.cuda.WeightFormat;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FP8 checkpoints ({@code nemotron quantize --fp8}, layout of {@link Fp8Format}) on the device:
 * <ol>
 *   <li>the Java quantiser ({@link Fp8Quantizer}, which writes the checkpoints) against the CUDA
 *       kernel of {@code nmc_model_quantize_fp8} ({@code nmc_k_quantize_fp8}): codes and scales
 *       bit for bit, on shapes with partial blocks;</li>
 *   <li>the checkpoint's codes and scales uploaded as they are ({@code nmc_model_set_fp8_tensor}):
 *       per channel, logits and greedy tokens identical to quantising the BF16 checkpoint at load
 *       (the same codes and scales); both layouts close to the Java backend running the same FP8
 *       checkpoint (dequantised at load); fewer weight bytes than BF16;</li>
 *   <li>the errors: F32 compute, FP8 at load on top of an FP8 checkpoint, a bad scale shape.</li>
 * </ol>
 * The tiny fixtures' dimensions are below 128 and their attention q/k/v rows do not fall on block
 * boundaries, so the fused q/k/v matrix takes the per-row scale layout ({@code row_block} 1).
 */
@Tag("gpu")
class Fp8CheckpointGpuTest {
    private static final int[][] SHAPES = {{200, 300}, {64, 192}, {128, 128}, {1, 16}, {257, 129}, {40, 72}, {3, 5}, {512, 4096}};
    private static final List<String> FIXTURES = List.of("tiny-nemotron-h-a", "tiny-nemotron-h-a-bf16", "hf-more/deep-odd");

    @Test
    void javaQuantiserEqualsTheCudaKernelBitForBit() {
        try (Backend ignored = Gpu.backend(); Arena arena = Arena.ofConfined()) {
            NmcLibrary lib = TestLibrary.load();
            for (int[] s : SHAPES) {
                int out = s[0];
                int in = s[1];
                SplittableRandom r = new SplittableRandom(out * 7919L + in);
                short[] bits = new short[out * in];
                float[] w = new float[out * in];
                for (int i = 0; i < bits.length; i++) {
                    // BF16 values over many binades; row 0 all zero
                    float v = i < in ? 0f : (float) (r.nextGaussian() * Math.pow(2, r.nextInt(-14, 4)));
                    bits[i] = (short) (Float.floatToRawIntBits(v) >>> 16);
                    w[i] = Float.intBitsToFloat((bits[i] & 0xFFFF) << 16);
                }
                MemorySegment wSeg = arena.allocateFrom(ValueLayout.JAVA_SHORT, bits);
                for (Fp8Format format : new Fp8Format[] {Fp8Format.BLOCKS, Fp8Format.CHANNELS}) {
                    Fp8Quantizer.Quantized want = Fp8Quantizer.quantize(w, out, in, format);
                    MemorySegment q = arena.allocate(out * (long) in);
                    MemorySegment sc = arena.allocate(4L * want.scales().length, 4);
                    lib.kernels().quantizeFp8(wSeg, out, in, format.block(), q, sc);
                    byte[] codes = q.toArray(ValueLayout.JAVA_BYTE);
                    float[] scales = sc.toArray(ValueLayout.JAVA_FLOAT);
                    int mismatches = 0;
                    for (int i = 0; i < codes.length; i++) {
                        mismatches += codes[i] != want.codes()[i] ? 1 : 0;
                    }
                    System.out.printf(Locale.ROOT, "FP8 quantiser %dx%d %s: %d of %d codes differ between Java and CUDA%n",
                            out, in, format.label(), mismatches, codes.length);
                    assertThat(scales).as("%dx%d %s scales", out, in, format.label()).isEqualTo(want.scales());
                    assertThat(codes).as("%dx%d %s codes", out, in, format.label()).isEqualTo(want.codes());
                }
            }
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String fixture : FIXTURES) {
            all.add(Arguments.of(fixture, Fp8Format.CHANNELS));
            all.add(Arguments.of(fixture, Fp8Format.BLOCKS));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void fp8CheckpointRunsFromItsCodesAndScales(String fixture, Fp8Format format) {
        Path dir = Gpu.fixture(fixture);
        NemotronHConfig c = ConfigParser.withDiscoveredLayers().parse(dir);
        try (Backend backend = Gpu.backend();
             Backend java = Backends.create("java");
             Checkpoint ckpt = Checkpoint.open(dir);
             SafetensorsFile g = SafetensorsFile.open(dir.resolve("golden.safetensors"))) {
            MapSource fp8 = quantised(ckpt, format);
            try (DeviceModel device = open(backend, c, fp8, DType.BF16);
                 DeviceModel bf16 = Gpu.load(backend, fixture, DType.BF16, 1);
                 DeviceModel atLoad = Gpu.withFormat(format.blocked() ? WeightFormat.FP8_BLOCK : WeightFormat.FP8_CHANNEL,
                         () -> Gpu.load(backend, fixture, DType.BF16, 1));
                 Fp8Weights dequantised = Fp8Weights.wrap(fp8, fp8.map().keySet(), Optional.of(format), DType.BF16, "fp8")
                         .orElseThrow();
                 HybridModel host = HybridModel.of(ModelGraph.of(c, MixerRegistry.discover()), dequantised, java,
                         RunOptions.defaults())) {
                assertThat(device.weightBytes()).as("FP8 weights take fewer bytes").isLessThan(bf16.weightBytes());
                int vocab = device.vocabSize();
                for (int k = 0; g.find("case" + k + ".input_ids").isPresent(); k++) {
                    int[] ids = Gpu.ints(g.tensor("case" + k + ".input_ids"));
                    float[] d = Gpu.prefillAll(device, ids);
                    float[] h = host.forward(ids, false).logits();
                    float[] a = Gpu.prefillAll(atLoad, ids);
                    int agree = 0;
                    for (int t = 0; t < ids.length; t++) {
                        agree += Gpu.argmax(d, t * vocab, vocab) == Gpu.argmax(h, t * vocab, vocab) ? 1 : 0;
                    }
                    double errHost = Gpu.relativeError(d, h);
                    double errAtLoad = Gpu.relativeError(d, a);
                    System.out.printf(Locale.ROOT, "FP8 checkpoint %s %s case %d (L=%d): logit rel. error vs the Java backend"
                            + " on the same checkpoint %.2e, vs quantised at load %.2e; greedy agreement with Java %d/%d%n",
                            fixture, format.label(), k, ids.length, errHost, errAtLoad, agree, ids.length);
                    assertThat(errHost).as("%s case %d vs Java", fixture, k).isLessThanOrEqualTo(3e-2);
                    if (!format.blocked()) {
                        // per channel the checkpoint holds exactly the codes and scales the device makes at load
                        assertThat(d).as("%s case %d: checkpoint = quantised at load", fixture, k).isEqualTo(a);
                    }
                }
                if (g.find("generate.prompt_ids").isEmpty()) {
                    return;  // a fixture without a generation case (the BF16 one): the logits above are its check
                }
                int[] prompt = Gpu.ints(g.tensor("generate.prompt_ids"));
                int steps = Gpu.ints(g.tensor("generate.output_ids")).length - prompt.length;
                int[] fromCheckpoint = Gpu.greedy(device, prompt, steps);
                int[] fromLoad = Gpu.greedy(atLoad, prompt, steps);
                System.out.printf(Locale.ROOT, "FP8 checkpoint %s %s greedy decode %s, quantised at load %s%n", fixture,
                        format.label(), Arrays.toString(fromCheckpoint), Arrays.toString(fromLoad));
                if (!format.blocked()) {
                    assertThat(fromCheckpoint).isEqualTo(fromLoad);
                }
            }
        }
    }

    @Test
    void badFp8CheckpointsAreRefusedWithOneLine() {
        Path dir = Gpu.fixture("tiny-nemotron-h-a");
        NemotronHConfig c = ConfigParser.withDiscoveredLayers().parse(dir);
        try (Backend backend = Gpu.backend(); Checkpoint ckpt = Checkpoint.open(dir)) {
            MapSource fp8 = quantised(ckpt, Fp8Format.BLOCKS);
            assertThatThrownBy(() -> open(backend, c, fp8, DType.F32)).isInstanceOf(NemotronException.class)
                    .hasMessageContaining("BF16 compute type");
            assertThatThrownBy(() -> Gpu.withFormat(WeightFormat.FP8_BLOCK, () -> open(backend, c, fp8, DType.BF16)))
                    .isInstanceOf(NemotronException.class).hasMessageContaining("FP8 already");
            String w = "backbone.layers.0.mixer.in_proj.weight";
            Map<String, Tensor> bad = new LinkedHashMap<>(fp8.map());
            bad.put(w + Fp8Format.SCALE_SUFFIX, Tensor.ofFloats(new float[] {1, 1}, 2, 1));
            assertThatThrownBy(() -> open(backend, c, new MapSource(bad), DType.BF16)).isInstanceOf(NemotronException.class)
                    .hasMessageContaining(w + "_scale_inv").hasMessageContaining("[3, 1] (128 x 128 blocks)");
        }
    }

    /** The FP8 checkpoint of {@code ckpt} in memory: what {@code quantize --fp8} writes, tensor for tensor. */
    static MapSource quantised(Checkpoint ckpt, Fp8Format format) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String name : ckpt.names()) {
            Tensor t = ckpt.require(name);
            if (!Fp8Format.quantizes(name)) {
                m.put(name, t);
                continue;
            }
            Fp8Quantizer.Quantized q = Fp8Quantizer.quantize(name, t, format);
            MemorySegment codes = Arena.ofAuto().allocate(q.codes().length);
            MemorySegment.copy(q.codes(), 0, codes, ValueLayout.JAVA_BYTE, 0, q.codes().length);
            m.put(name, new Tensor(DType.F8_E4M3, t.shape(), codes));
            MemorySegment scales = Arena.ofAuto().allocateFrom(Tensor.F32_LE, q.scales());
            m.put(Fp8Format.scaleName(name), new Tensor(DType.F32, format.scaleShape(t.dim(0), t.dim(1)), scales));
        }
        return new MapSource(m);
    }

    record MapSource(Map<String, Tensor> map) implements WeightSource {
        public Optional<Tensor> find(String name) {
            return Optional.ofNullable(map.get(name));
        }

        public Tensor require(String name) {
            return find(name).orElseThrow(() -> new NemotronException("no tensor " + name));
        }
    }

    private static DeviceModel open(Backend backend, NemotronHConfig c, MapSource weights, DType compute) {
        List<String> names = new ArrayList<>(weights.map().keySet());
        names.sort(null);
        var spec = new DeviceModelSpec(c.view(), c.pattern(), ModelGraph.of(c, MixerRegistry.discover()).layerDims(),
                DeviceWeights.checkpoint(weights, names), compute, 1, 256, 16);
        return backend.modelExecution().orElseThrow().open(new ModelArtifact.HfModel(spec));
    }

}
