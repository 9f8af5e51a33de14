package dev.nemotron.arch.model;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerState;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.fp8.Fp8Format;
import dev.nemotron.arch.fp8.Fp8Weights;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Nemotron-H hybrid model bound to its weights (used in place from the mapped checkpoint) and the
 * kernels of a backend ({@link Backend#kernels()}), run layer by layer on the host.
 *
 * <pre>
 * ids [L] -> logits [L, V]
 * 1. h = embeddings[ids]                                  [L, d]
 * 2. for each layer i: h = h + mixer_i(RMSNorm(h) * norm_i)
 * 3. h = RMSNorm(h) * norm_f
 * 4. logits = lm_head(h)                                  [L, V]
 * </pre>
 */
public final class HybridModel implements AutoCloseable {
    private final ModelGraph graph;
    /** The mapped checkpoint to close, or null for in-memory weights. */
    private final Checkpoint checkpoint;
    private final Backend backend;
    private final Kernels kernels;
    private final Tensor embeddings;
    private final List<Tensor> norms;
    private final List<Mixer> mixers;
    private final Tensor normF;
    private final Tensor lmHead;
    private final RunOptions options;
    /** Native memory of weights quantized at load, or null. */
    private final Arena quantized;
    /** The dequantised weights of an FP8 checkpoint, or null. */
    private final Fp8Weights fp8;

    private HybridModel(ModelGraph graph, WeightSource stored, String source, Set<String> names,
                        Checkpoint checkpoint, Backend backend, RunOptions options) {
        this(graph, stored, source, names, checkpoint, null, backend, options);
    }

    private HybridModel(ModelGraph graph, WeightSource stored, String source, Set<String> names,
                        Checkpoint checkpoint, Fp8Weights fp8, Backend backend, RunOptions options) {
        this.graph = graph;
        this.fp8 = fp8;
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.quantized = options.weights() == DType.Q8_0 ? Arena.ofShared() : null;
        WeightSource weights = quantized == null ? stored : new QuantizedWeights(stored, quantized);
        this.checkpoint = checkpoint;
        this.backend = backend;
        this.kernels = backend.kernels().orElseThrow(() -> new NemotronException("backend '" + backend.name()
                + "' offers no kernels to run the model layer by layer (it runs whole models only)"));
        String prefix = WeightCheck.backbonePrefix(weights, source);
        WeightCheck.check(graph, weights, source, names, prefix, backend);
        this.embeddings = weights.require(prefix + "embeddings.weight");
        this.normF = weights.require(prefix + "norm_f.weight");
        this.lmHead = graph.config().tieWordEmbeddings() ? embeddings : weights.require("lm_head.weight");
        this.norms = new ArrayList<>();
        this.mixers = new ArrayList<>();
        for (LayerPlan layer : graph.layers()) {
            String layerPrefix = prefix + "layers." + layer.index() + ".";
            norms.add(weights.require(layerPrefix + "norm.weight"));
            mixers.add(layer.factory().create(layer.context(),
                    new CheckpointWeights(weights, layerPrefix + "mixer."), kernels, options.kvCache()));
        }
    }

    /** Loads {@code dir} ({@code config.json} + safetensors), with the layer types ServiceLoader finds. */
    public static HybridModel load(Path dir, Backend backend) {
        return load(ModelDirectory.open(dir), backend);
    }

    public static HybridModel load(Path dir, Backend backend, MixerRegistry registry) {
        return load(ModelDirectory.open(dir, registry), backend);
    }

    /**
     * The model of {@code dir} on the kernels of {@code backend}.
     *
     * @throws NemotronException when the backend offers no kernels, or the checkpoint does not match
     *     the config, with the reason
     */
    public static HybridModel load(ModelDirectory dir, Backend backend) {
        return load(dir, backend, RunOptions.defaults());
    }

    /** As {@link #load(ModelDirectory, Backend)}, with weight and cache types of {@code options}. */
    public static HybridModel load(ModelDirectory dir, Backend backend, RunOptions options) {
        Checkpoint checkpoint = dir.openCheckpoint();
        Fp8Weights fp8 = null;
        try {
            // an FP8 checkpoint: its F8_E4M3 weights dequantised (Q · scale) to the model's type
            DType target = dir.config().dtype() == DType.F32 ? DType.F32 : DType.BF16;
            String source = checkpoint.path().toString();
            fp8 = Fp8Weights.wrap(checkpoint, checkpoint.names(), dir.fp8(), target, source).orElse(null);
            Set<String> names = checkpoint.names();
            if (fp8 != null) {
                names = new java.util.TreeSet<>(names);
                names.removeIf(n -> n.endsWith(Fp8Format.SCALE_SUFFIX));
            }
            return new HybridModel(ModelGraph.of(dir.config(), dir.registry()), fp8 == null ? checkpoint : fp8, source,
                    names, checkpoint, fp8, backend, options);
        } catch (RuntimeException e) {
            if (fp8 != null) {
                fp8.close();
            }
            checkpoint.close();
            throw e;
        }
    }

    /**
     * A model over in-memory weights: {@code weights} resolves whole checkpoint names
     * ({@code backbone.embeddings.weight}, {@code backbone.layers.0.mixer.in_proj.weight}, ...),
     * checked against {@code graph} as a checkpoint is. The tensors are used in place (mixers copy
     * their small per-channel vectors), so they must not change while the model is in use; e.g. a
     * trainer's {@code LiveWeights} snapshot. Closing the model releases nothing of {@code weights}.
     */
    public static HybridModel of(ModelGraph graph, WeightSource weights, Backend backend) {
        return of(graph, weights, backend, RunOptions.defaults());
    }

    /** As {@link #of(ModelGraph, WeightSource, Backend)}, with weight and cache types of {@code options}. */
    public static HybridModel of(ModelGraph graph, WeightSource weights, Backend backend, RunOptions options) {
        return new HybridModel(graph, weights, "in-memory weights", null, null, backend, options);
    }

    public RunOptions options() {
        return options;
    }

    /**
     * Bytes a decode step reads from the weights as this model holds them (every tensor once, but
     * one row of an untied embedding table): the numerator of the decode roofline.
     */
    public long weightBytesReadPerStep(Checkpoint checkpoint) {
        long total = 0;
        for (String name : checkpoint.names()) {
            Tensor t = checkpoint.require(name);
            long bytes = options.weights() == DType.Q8_0 && QuantizedWeights.quantizes(name, t)
                    ? DType.Q8_0.storageBytes(t.numel()) : t.data().byteSize();
            if (name.endsWith("embeddings.weight") && !graph.config().tieWordEmbeddings()) {
                bytes = bytes / t.dim(0);
            }
            total += bytes;
        }
        return total;
    }

    public NemotronHConfig config() {
        return graph.config();
    }

    public ModelGraph graph() {
        return graph;
    }

    public Backend backend() {
        return backend;
    }

    /** Logits for every position of {@code ids}; with {@code keepHidden}, every hidden state too. */
    public ForwardResult forward(int[] ids, boolean keepHidden) {
        NemotronHConfig c = graph.config();
        int seqLen = ids.length;
        int d = c.hiddenSize();
        List<float[]> hidden = new ArrayList<>();

        // 1. embedding lookup
        float[] h = embed(ids);
        if (keepHidden) {
            hidden.add(h.clone());
        }

        // 2. residual blocks
        float[] normed = new float[seqLen * d];
        float[] mixed = new float[seqLen * d];
        for (int i = 0; i < mixers.size(); i++) {
            kernels.norms().rmsNorm(h, seqLen, d, norms.get(i), eps(), normed);
            mixers.get(i).forward(normed, seqLen, mixed);
            addInPlace(h, mixed, seqLen * d);
            if (keepHidden && i < mixers.size() - 1) {
                hidden.add(h.clone());
            }
        }

        // 3. final norm, 4. lm_head
        kernels.norms().rmsNorm(h, seqLen, d, normF, eps(), normed);
        if (keepHidden) {
            hidden.add(normed.clone());
        }
        return new ForwardResult(seqLen, c.vocabSize(), logits(normed, seqLen), hidden);
    }

    /** A new, empty sequence: per layer the state its mixer keeps. */
    public SequenceState newSequence() {
        MixerState[] states = new MixerState[mixers.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = mixers.get(i).newState();
        }
        return new SequenceState(states);
    }

    /**
     * Appends {@code ids} to {@code seq} (the chunked scan for Mamba layers, the KV cache for
     * attention layers), in pieces of at most {@code chunkTokens} so that activation memory stays
     * bounded for long prompts, and returns the logits [vocab] after the last token.
     */
    public float[] prefill(SequenceState seq, int[] ids, int chunkTokens) {
        if (ids.length == 0) {
            throw new NemotronException("prefill needs at least one token id");
        }
        int step = Math.max(1, chunkTokens);
        float[] last = null;
        for (int from = 0; from < ids.length; from += step) {
            int[] piece = java.util.Arrays.copyOfRange(ids, from, Math.min(ids.length, from + step));
            last = stepSequence(seq, piece, from + step >= ids.length);
        }
        return last;
    }

    /**
     * Appends {@code ids} to {@code seq} as {@link #prefill(SequenceState, int[], int)} does, but
     * computes no logits: the first pieces of a prompt prefilled in chunks.
     */
    public void extend(SequenceState seq, int[] ids, int chunkTokens) {
        int step = Math.max(1, chunkTokens);
        for (int from = 0; from < ids.length; from += step) {
            int[] piece = java.util.Arrays.copyOfRange(ids, from, Math.min(ids.length, from + step));
            stepSequence(seq, piece, false);
        }
    }

    /** {@link #prefill(SequenceState, int[], int)} in pieces of 1024 tokens. */
    public float[] prefill(SequenceState seq, int[] ids) {
        return prefill(seq, ids, 1024);
    }

    /** Appends {@code ids}; the logits after the last one when {@code logits}, else null. */
    private float[] stepSequence(SequenceState seq, int[] ids, boolean logits) {
        int seqLen = ids.length;
        int d = graph.config().hiddenSize();
        float[] h = embed(ids);
        float[] normed = new float[seqLen * d];
        float[] mixed = new float[seqLen * d];
        for (int i = 0; i < mixers.size(); i++) {
            kernels.norms().rmsNorm(h, seqLen, d, norms.get(i), eps(), normed);
            mixers.get(i).forward(normed, seqLen, mixed, seq.layer(i));
            addInPlace(h, mixed, seqLen * d);
        }
        seq.advance(seqLen);
        if (!logits) {
            return null;
        }
        float[] lastRow = java.util.Arrays.copyOfRange(h, (seqLen - 1) * d, seqLen * d);
        kernels.norms().rmsNorm(lastRow, 1, d, normF, eps(), lastRow);
        return logits(lastRow, 1);
    }

    /**
     * One token for each sequence, decoded together (projections read each weight once for the
     * whole batch). Returns the logits [batch, vocab].
     */
    public float[] decode(SequenceState[] seqs, int[] tokens) {
        int batch = tokens.length;
        if (seqs.length != batch) {
            throw new IllegalArgumentException(seqs.length + " sequences but " + batch + " tokens");
        }
        int d = graph.config().hiddenSize();
        float[] h = embed(tokens);
        float[] normed = new float[batch * d];
        float[] mixed = new float[batch * d];
        MixerState[] states = new MixerState[batch];
        for (int i = 0; i < mixers.size(); i++) {
            for (int b = 0; b < batch; b++) {
                states[b] = seqs[b].layer(i);
            }
            kernels.norms().rmsNorm(h, batch, d, norms.get(i), eps(), normed);
            mixers.get(i).decode(normed, batch, states, mixed);
            addInPlace(h, mixed, batch * d);
        }
        for (SequenceState s : seqs) {
            s.advance(1);
        }
        kernels.norms().rmsNorm(h, batch, d, normF, eps(), normed);
        return logits(normed, batch);
    }

    private float eps() {
        return (float) graph.config().normEpsilon();
    }

    /** [rows, d] embeddings of {@code ids}, checked against the vocabulary. */
    private float[] embed(int[] ids) {
        int rows = ids.length;
        int d = graph.config().hiddenSize();
        int vocab = graph.config().vocabSize();
        if (rows == 0) {
            throw new NemotronException("forward needs at least one token id");
        }
        if ((long) rows * Math.max(vocab, d) > Integer.MAX_VALUE - 8) {
            throw new NemotronException(rows + " tokens x vocab_size " + vocab
                    + " logits do not fit one Java array; run fewer tokens at a time");
        }
        float[] h = new float[rows * d];
        for (int t = 0; t < rows; t++) {
            int id = ids[t];
            if (id < 0 || id >= vocab) {
                throw new NemotronException("token id " + id + " at position " + t
                        + " is outside the vocabulary (vocab_size " + vocab + ")");
            }
            copyRow(embeddings, id, d, h, t * d);
        }
        return h;
    }

    private float[] logits(float[] normed, int rows) {
        float[] logits = new float[rows * graph.config().vocabSize()];
        kernels.linear().matmul(normed, rows, lmHead, null, logits);
        return logits;
    }

    private static void addInPlace(float[] h, float[] delta, int n) {
        for (int j = 0; j < n; j++) {
            h[j] += delta[j];
        }
    }

    private static void copyRow(Tensor table, int row, int d, float[] out, int offset) {
        if (table.dtype() == DType.F32) {
            MemorySegment.copy(table.data(), Tensor.F32_LE, (long) row * d * 4, out, offset, d);
        } else {
            long base = (long) row * d;
            for (int j = 0; j < d; j++) {
                out[offset + j] = table.getFloat(base + j);
            }
        }
    }

    /** Unmaps the checkpoint (if the model has one); the backend belongs to the caller. */
    @Override
    public void close() {
        if (quantized != null) {
            quantized.close();
        }
        if (fp8 != null) {
            fp8.close();
        }
        if (checkpoint != null) {
            checkpoint.close();
        }
    }
}
