package dev.nemotron.arch.model;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Nemotron-H hybrid model bound to its weights (used in place from the mapped checkpoint) and a
 * backend.
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
    private final Checkpoint checkpoint;
    private final Backend backend;
    private final Tensor embeddings;
    private final List<Tensor> norms;
    private final List<Mixer> mixers;
    private final Tensor normF;
    private final Tensor lmHead;

    private HybridModel(ModelGraph graph, Checkpoint checkpoint, Backend backend) {
        this.graph = graph;
        this.checkpoint = checkpoint;
        this.backend = backend;
        String prefix = WeightCheck.backbonePrefix(checkpoint);
        WeightCheck.check(graph, checkpoint, prefix, backend);
        this.embeddings = checkpoint.require(prefix + "embeddings.weight");
        this.normF = checkpoint.require(prefix + "norm_f.weight");
        this.lmHead = graph.config().tieWordEmbeddings() ? embeddings : checkpoint.require("lm_head.weight");
        this.norms = new ArrayList<>();
        this.mixers = new ArrayList<>();
        for (LayerPlan layer : graph.layers()) {
            String layerPrefix = prefix + "layers." + layer.index() + ".";
            norms.add(checkpoint.require(layerPrefix + "norm.weight"));
            mixers.add(layer.factory().create(layer.context(),
                    new CheckpointWeights(checkpoint, layerPrefix + "mixer."), backend));
        }
    }

    /** Loads {@code dir} ({@code config.json} + safetensors), with the layer types ServiceLoader finds. */
    public static HybridModel load(Path dir, Backend backend) {
        return load(dir, backend, MixerRegistry.discover());
    }

    public static HybridModel load(Path dir, Backend backend, MixerRegistry registry) {
        NemotronHConfig config = new ConfigParser(registry).parse(dir);
        Checkpoint checkpoint = Checkpoint.open(dir);
        try {
            return new HybridModel(ModelGraph.of(config, registry), checkpoint, backend);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
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
        int vocab = c.vocabSize();
        float eps = (float) c.normEpsilon();
        if (seqLen == 0) {
            throw new NemotronException("forward needs at least one token id");
        }
        if ((long) seqLen * Math.max(vocab, d) > Integer.MAX_VALUE - 8) {
            throw new NemotronException(seqLen + " tokens x vocab_size " + vocab
                    + " logits do not fit one Java array; run fewer tokens at a time");
        }
        List<float[]> hidden = new ArrayList<>();

        // 1. embedding lookup
        float[] h = new float[seqLen * d];
        for (int t = 0; t < seqLen; t++) {
            int id = ids[t];
            if (id < 0 || id >= vocab) {
                throw new NemotronException("token id " + id + " at position " + t
                        + " is outside the vocabulary (vocab_size " + vocab + ")");
            }
            copyRow(embeddings, id, d, h, t * d);
        }
        if (keepHidden) {
            hidden.add(h.clone());
        }

        // 2. residual blocks
        float[] normed = new float[seqLen * d];
        float[] mixed = new float[seqLen * d];
        for (int i = 0; i < mixers.size(); i++) {
            backend.norms().rmsNorm(h, seqLen, d, norms.get(i), eps, normed);
            mixers.get(i).forward(normed, seqLen, mixed);
            for (int j = 0; j < h.length; j++) {
                h[j] += mixed[j];
            }
            if (keepHidden && i < mixers.size() - 1) {
                hidden.add(h.clone());
            }
        }

        // 3. final norm
        backend.norms().rmsNorm(h, seqLen, d, normF, eps, normed);
        if (keepHidden) {
            hidden.add(normed.clone());
        }

        // 4. lm_head
        float[] logits = new float[seqLen * vocab];
        backend.linear().matmul(normed, seqLen, lmHead, null, logits);
        return new ForwardResult(seqLen, vocab, logits, hidden);
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

    /** Unmaps the checkpoint; the backend belongs to the caller. */
    @Override
    public void close() {
        checkpoint.close();
    }
}
