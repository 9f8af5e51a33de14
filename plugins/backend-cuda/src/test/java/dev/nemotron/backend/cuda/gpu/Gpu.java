package dev.nemotron.backend.cuda.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.backend.cuda.CudaBackendProvider;
import dev.nemotron.backend.cuda.WeightFormat;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Shared pieces of the GPU tests (tag {@code gpu}): the CUDA backend, skipped through an
 * assumption that states why when it is unavailable; fixtures; golden comparisons.
 */
final class Gpu {
    private static final CudaBackendProvider PROVIDER = new CudaBackendProvider();

    private Gpu() {
    }

    /** The CUDA backend, or the test is skipped with the provider's reason. */
    static Backend backend() {
        Availability av = PROVIDER.availability();
        assumeTrue(av.available(), () -> "GPU test skipped: the CUDA backend is not available here: " + av.reason());
        return PROVIDER.create();
    }

    static Path fixture(String name) {
        return dev.nemotron.backend.cuda.Fixtures.dir(name);
    }

    /** The fixture's checkpoint on the device, every tensor uploaded by its own name. */
    static DeviceModel load(Backend backend, String fixture, DType compute, int slots) {
        return load(backend, fixture, compute, slots, 0);
    }

    /** As {@link #load(Backend, String, DType, int)} with a KV pool of {@code kvCacheTokens} (0: full). */
    static DeviceModel load(Backend backend, String fixture, DType compute, int slots, long kvCacheTokens) {
        Path dir = fixture(fixture);
        NemotronHConfig c = ConfigParser.withDiscoveredLayers().parse(dir);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            var spec = new DeviceModelSpec(c.view(), c.pattern(), ModelGraph.of(c, MixerRegistry.discover()).layerDims(),
                    DeviceWeights.checkpoint(ckpt, List.copyOf(ckpt.names())),
                    compute, slots, 256, 16, kvCacheTokens);
            return backend.modelExecution().orElseThrow().open(new ModelArtifact.HfModel(spec));
        }
    }

    static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(t.getLong(i));
        }
        return out;
    }

    static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[offset + i] > logits[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /** ‖out − ref‖ / ‖ref‖ in float64 (as the fixtures' README defines it). */
    static double relativeError(float[] out, float[] ref) {
        if (out.length != ref.length) {
            throw new AssertionError("length " + out.length + " != " + ref.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = (double) out[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num) / Math.sqrt(den);
    }

    /** Logits of every position of {@code ids}, prefilled into a fresh sequence. */
    static float[] prefillAll(DeviceModel m, int[] ids) {
        try (DeviceSequence seq = m.newSequence()) {
            return m.prefillAll(seq, ids);
        }
    }

    /** {@code steps} greedy tokens after {@code prompt}, decoded one at a time. */
    static int[] greedy(DeviceModel m, int[] prompt, int steps) {
        int vocab = m.vocabSize();
        int[] out = new int[steps];
        try (DeviceSequence seq = m.newSequence()) {
            float[] logits = m.prefill(seq, prompt);
            for (int t = 0; t < steps; t++) {
                out[t] = argmax(logits, 0, vocab);
                logits = m.decode(List.of(seq), new int[] {out[t]});
            }
        }
        return out;
    }

    /** {@code open} with the device's weight format property set to {@code format} (restored after). */
    static DeviceModel withFormat(WeightFormat format, Supplier<DeviceModel> open) {
        String old = System.getProperty(WeightFormat.PROPERTY);
        System.setProperty(WeightFormat.PROPERTY, format.name());
        try {
            return open.get();
        } finally {
            if (old == null) {
                System.clearProperty(WeightFormat.PROPERTY);
            } else {
                System.setProperty(WeightFormat.PROPERTY, old);
            }
        }
    }
}
