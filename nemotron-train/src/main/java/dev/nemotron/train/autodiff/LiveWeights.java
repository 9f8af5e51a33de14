package dev.nemotron.train.autodiff;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.train.autodiff.core.Parameters;
import java.lang.foreign.Arena;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trainer's current weights as a {@link WeightSource} for the inference model, without a
 * checkpoint: a float32 snapshot of the float64 {@link Parameters}, by checkpoint name
 * ({@code backbone.layers.0.mixer.in_proj.weight}, ...).
 *
 * <pre>
 * live = LiveWeights.snapshot(model.parameters())           O(parameters): one float32 copy
 * HybridModel m = HybridModel.of(model.graph(), live, backend)
 * engine = new GenerationEngine(new HybridLanguageModel(m), codec, config)
 * ... optimizer steps change the parameters: take a new snapshot and model for the next rollout
 * </pre>
 *
 * A snapshot never changes: an engine built on it keeps generating from the weights of that
 * moment while training goes on, and the inference mixers (which copy their small vectors) never
 * see a half-updated mix. Cost: 4 bytes per parameter in F32 (off-heap, freed with the snapshot) and
 * one pass over the parameters (docs/training.md, "Generating from live weights").
 */
public final class LiveWeights implements WeightSource {
    private final Map<String, Tensor> tensors;

    private LiveWeights(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    /** The parameters as they are now, rounded to float32. */
    public static LiveWeights snapshot(Parameters params) {
        return snapshot(params, DType.F32);
    }

    /**
     * The parameters as they are now in {@code dtype}: F32, or BF16 / F16 (rounded through
     * float32, to nearest even) to generate with the weights a half-precision export would hold.
     */
    public static LiveWeights snapshot(Parameters params, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.BF16 && dtype != DType.F16) {
            throw new NemotronException("live weights can be F32, BF16 or F16, not " + dtype);
        }
        Arena arena = Arena.ofAuto();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameters.Param p : params.all()) {
            double[] v = p.data();
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) v[i];
            }
            out.put(p.name(), RandomWeights.store(f, p.shape(), dtype, arena));
        }
        return new LiveWeights(out);
    }

    @Override
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Tensor require(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new NemotronException("the trainer's weights have no tensor '" + name + "'");
        }
        return t;
    }

    /** The tensor names, in checkpoint order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** Bytes the snapshot holds (4 per parameter in F32, 2 in BF16 / F16). */
    public long bytes() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.data().byteSize();
        }
        return n;
    }
}
