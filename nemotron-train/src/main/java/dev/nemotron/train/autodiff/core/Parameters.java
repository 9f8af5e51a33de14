package dev.nemotron.train.autodiff.core;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.model.NamedParameter;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trainable parameters of a model in float64: checkpoint name (exactly as
 * {@link ModelGraph#parameters()} spells it, e.g. {@code backbone.layers.0.mixer.in_proj.weight})
 * → values and shape, in checkpoint order. Optional parameters (attention biases) are present only
 * when the source had them.
 */
public final class Parameters implements ParameterStore {
    /** One tensor: row-major float64 values of {@code shape}. */
    public record Param(String name, long[] shape, double[] data) {
        public Param {
            shape = shape.clone();
            if (Tensor.numel(shape) != data.length) {
                throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " but "
                        + data.length + " values");
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private final Map<String, Param> params;

    private Parameters(Map<String, Param> params) {
        this.params = params;
    }

    /** An empty store; {@link #put} adds tensors (for tests and for layers used on their own). */
    public static Parameters empty() {
        return new Parameters(new LinkedHashMap<>());
    }

    /**
     * The graph's parameters from {@code tensors} (any float dtype; names with {@code backbone.}
     * or {@code model.} for the backbone). Required ones must be present with the graph's shape.
     */
    public static Parameters fromTensors(ModelGraph graph, Map<String, Tensor> tensors) {
        return from(graph, name -> Optional.ofNullable(tensors.get(name)), "the given tensors");
    }

    /** The graph's parameters read from a checkpoint directory or file (widened to float64). */
    public static Parameters load(ModelGraph graph, Path dirOrFile) {
        try (Checkpoint ckpt = Checkpoint.open(dirOrFile)) {
            return from(graph, ckpt::find, ckpt.path().toString());
        }
    }

    /** Fresh weights with nemotron-arch's {@link RandomWeights} initialisation (seeded). */
    public static Parameters random(ModelGraph graph, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            return fromTensors(graph, RandomWeights.generate(graph, seed, DType.F32, arena));
        }
    }

    private interface Lookup {
        Optional<Tensor> find(String name);
    }

    private static Parameters from(ModelGraph graph, Lookup lookup, String source) {
        Map<String, Param> out = new LinkedHashMap<>();
        for (NamedParameter p : graph.parameters()) {
            Optional<Tensor> t = lookup.find(p.name());
            if (t.isEmpty() && p.name().startsWith(ModelGraph.BACKBONE)) {
                t = lookup.find("model." + p.name().substring(ModelGraph.BACKBONE.length()));
            }
            if (t.isEmpty()) {
                if (p.spec().optional()) {
                    continue;
                }
                throw new NemotronException(source + ": missing tensor '" + p.name() + "'");
            }
            if (t.get().dtype() == DType.F8_E4M3) {
                throw new NemotronException(source + ": tensor '" + p.name() + "' is FP8 (F8_E4M3, an FP8 checkpoint);"
                        + " training reads BF16/F32 weights: start from the model it was quantised from");
            }
            long[] shape = p.spec().shape();
            if (!Arrays.equals(shape, t.get().shape())) {
                throw new NemotronException(source + ": tensor '" + p.name() + "' has shape "
                        + Arrays.toString(t.get().shape()) + ", the config implies " + Arrays.toString(shape));
            }
            float[] f = t.get().toFloatArray();
            double[] v = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                v[i] = f[i];
            }
            out.put(p.name(), new Param(p.name(), shape, v));
        }
        return new Parameters(out);
    }

    /** Adds or replaces a tensor (the array is used, not copied). */
    public Parameters put(String name, long[] shape, double[] values) {
        params.put(name, new Param(name, shape, values));
        return this;
    }

    public boolean contains(String name) {
        return params.containsKey(name);
    }

    /** The values of {@code name} (live: writing them changes the model). */
    @Override
    public double[] get(String name) {
        Param p = params.get(name);
        if (p == null) {
            throw new NemotronException("no parameter '" + name + "'");
        }
        return p.data();
    }

    /** The values of {@code name}, or null when absent (optional parameters). */
    @Override
    public double[] getOrNull(String name) {
        Param p = params.get(name);
        return p == null ? null : p.data();
    }

    @Override
    public long[] shape(String name) {
        get(name);
        return params.get(name).shape();
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(params.keySet());
    }

    public Collection<Param> all() {
        return Collections.unmodifiableCollection(params.values());
    }

    /** Total number of values. */
    public long count() {
        long n = 0;
        for (Param p : params.values()) {
            n += p.data().length;
        }
        return n;
    }

    /** A deep copy. */
    public Parameters copy() {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : params.values()) {
            m.put(p.name(), new Param(p.name(), p.shape(), p.data().clone()));
        }
        return new Parameters(m);
    }

    /** Zero gradients of the same names and shapes. */
    public Gradients newGradients() {
        return new Gradients(this);
    }

    /**
     * Every tensor as float32 (rounded), names as in the checkpoint, in checkpoint order: ready for
     * {@code SafetensorsWriter.write(dir.resolve("model.safetensors"), params.toTensors())}.
     */
    public Map<String, Tensor> toTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Param p : params.values()) {
            float[] f = new float[p.data().length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) p.data()[i];
            }
            out.put(p.name(), Tensor.ofFloats(f, p.shape()));
        }
        return out;
    }
}
