package dev.nemotron.train.autodiff;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.LinearLayer;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.core.LinearLayerOwner;
import dev.nemotron.train.autodiff.embedding.Embedding;
import dev.nemotron.train.autodiff.embedding.LmHead;
import dev.nemotron.train.autodiff.activation.ActivationObserver;
import dev.nemotron.train.autodiff.activation.ActivationStatistics;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.CrossEntropyLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.mamba.SelectiveScan;
import dev.nemotron.train.autodiff.mamba.TrainableMamba2;
import dev.nemotron.train.autodiff.norm.RmsNorm;
import dev.nemotron.train.fp8.Precision;
import dev.nemotron.train.fp8.PrecisionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Nemotron-H model graph bound to float64 {@link Parameters}, with a hand-written backward pass.
 *
 * <pre>
 * tokens [L] -> loss
 * 1. h = embeddings[tokens]                                  [L, d]
 * 2. for each layer i: h = h + mixer_i(RMSNorm_i(h))          (M Mamba-2, * attention, - MLP, a plugin's)
 * 3. f = RMSNorm_f(h);  logits = lm_head(f)                   [L, V]
 * 4. loss = any {@link Loss} of the logits (mean cross-entropy over targets != -100 by default)
 * backward: the same steps in reverse; the residual passes dh through and adds the block's dx.
 * </pre>
 *
 * A packed row ({@link ForwardOptions#withSegments}, or the methods taking {@link Segments}) holds
 * several samples that no layer lets see each other: each mixer gets the segments (Mamba-2: conv
 * window and SSM state restart at a segment start; attention: causal within the segment); the
 * embedding, norms and MLP are per position. Its logits and gradients equal those of the samples
 * run one by one (docs/training.md, "Packed sequences"). Without segments, or with one, the pass is
 * the unpacked one, bit for bit.
 *
 * {@link #forward(int[], ForwardOptions)} returns a {@link ForwardPass} (logits, optionally the
 * hidden states, and with {@link ForwardOptions#training()} the saved activations):
 * {@link ForwardPass#backward} takes d loss / d logits for <em>any</em> loss. An
 * {@link ActivationObserver} sees named activations (forward only, for importance estimation).
 *
 * The layers read the parameter arrays live: an optimizer that updates {@link #parameters()} in
 * place changes the model. The GEMMs of the linear layers run in the precision of a
 * {@link PrecisionPolicy} ({@link #precision(PrecisionPolicy)}; full precision by default).
 *
 * <p>Thread-safe for concurrent {@link #forward}, {@link #loss}, {@link #logits} and {@link #lossAndGradients} calls
 * (each with its own {@link Gradients}) while nobody changes the parameters, the scan mode or the
 * precision: a pass keeps its activations in objects of its own and only reads the model.
 */
public final class TrainableModel {
    private final ModelGraph graph;
    private final Parameters params;
    private final Embedding embedding;
    private final List<RmsNorm> norms = new ArrayList<>();
    private final List<TrainableMixer<?>> mixers = new ArrayList<>();
    private final RmsNorm normF;
    private final LmHead lmHead;
    /** Every linear layer by weight name, in model order (lm_head last). */
    private final Map<String, LinearLayer> linear = new LinkedHashMap<>();
    private PrecisionPolicy policy;

    public TrainableModel(ModelGraph graph, Parameters params) {
        this.graph = graph;
        this.params = params;
        double eps = graph.config().normEpsilon();
        String b = ModelGraph.BACKBONE;
        this.embedding = new Embedding(params, b + "embeddings.weight");
        TrainableMixers trainable = TrainableMixers.discover();
        for (LayerPlan layer : graph.layers()) {
            String prefix = b + "layers." + layer.index() + ".";
            norms.add(new RmsNorm(params, prefix + "norm.weight", eps));
            mixers.add(trainable.create(layer, params));
        }
        this.normF = new RmsNorm(params, b + "norm_f.weight", eps);
        this.lmHead = new LmHead(params, graph.config().tieWordEmbeddings() ? b + "embeddings.weight" : "lm_head.weight");
        for (TrainableMixer<?> mixer : mixers) {
            if (mixer instanceof LinearLayerOwner owner) {
                for (LinearLayer l : owner.linearLayers()) {
                    linear.put(l.weightName(), l);
                }
            }
        }
        linear.put(lmHead.layer().weightName(), lmHead.layer());
    }

    /** {@code dir}'s config.json and checkpoint (built-in layer types). */
    public static TrainableModel load(Path dir) {
        MixerRegistry registry = MixerRegistry.discover();
        ModelGraph graph = ModelGraph.of(new ConfigParser(registry).parse(dir), registry);
        return new TrainableModel(graph, Parameters.load(graph, dir));
    }

    /** Fresh weights (nemotron-arch's initialisation) for {@code graph}. */
    public static TrainableModel random(ModelGraph graph, long seed) {
        return new TrainableModel(graph, Parameters.random(graph, seed));
    }

    public ModelGraph graph() {
        return graph;
    }

    public Parameters parameters() {
        return params;
    }

    /** Zero gradients shaped like the parameters. */
    public Gradients newGradients() {
        return params.newGradients();
    }

    /** Runs every Mamba-2 layer's scan forward in {@code mode} (chunked by default). */
    public TrainableModel scanMode(SelectiveScan.Mode mode) {
        for (TrainableMixer<?> mixer : mixers) {
            if (mixer instanceof TrainableMamba2 mamba) {
                mamba.scanMode(mode);
            }
        }
        return this;
    }

    /**
     * Runs every linear layer's GEMMs (forward, data and weight gradient) as {@code policy} plans
     * them for this model's graph: FP8 or BF16 fake quantisation of the operands, float64
     * accumulation, master weights and gradients unchanged (docs/training.md, "FP8 recipe").
     * {@code null} or {@link PrecisionPolicy#fullPrecision()}: plain float64, the default. A tied
     * {@code lm_head} (the embedding table, not a linear layer of the plan) stays full precision.
     */
    public TrainableModel precision(PrecisionPolicy policy) {
        PrecisionPolicy.Plan plan = policy == null ? null : policy.plan(graph);
        for (LinearLayer l : linear.values()) {
            Precision p = plan == null ? null : plan.byLayer().get(l.weightName());
            if (p == null) {
                l.precision(Precision.FP32, plan == null ? PrecisionPolicy.fullPrecision().recipe() : plan.recipe());
            } else {
                l.precision(p, plan.recipe());
            }
        }
        this.policy = policy;
        return this;
    }

    /** The policy set by {@link #precision(PrecisionPolicy)}, or null (full precision). */
    public PrecisionPolicy precisionPolicy() {
        return policy;
    }

    /** The precision the GEMMs of linear layer {@code weightName} run in now. */
    public Precision precisionOf(String weightName) {
        LinearLayer l = linear.get(weightName);
        if (l == null) {
            throw new NemotronException(weightName + " is not a linear layer of this model");
        }
        return l.precision();
    }

    /** The weight names of the linear layers, in model order ({@code lm_head} last). */
    public List<String> linearLayers() {
        return Collections.unmodifiableList(new ArrayList<>(linear.keySet()));
    }

    /** Logits [L, V] for every position of {@code tokens}. */
    public double[] logits(int[] tokens) {
        return forward(tokens, ForwardOptions.inference()).logits();
    }

    /**
     * One forward pass over {@code tokens}: logits [L, V], with {@code options} the hidden states,
     * the activations {@link ForwardPass#backward} needs, and calls to an activation observer.
     */
    public ForwardPass forward(int[] tokens, ForwardOptions options) {
        return run(tokens, options);
    }

    /**
     * Runs forward only over every calibration sequence (one batch element each), reporting to a
     * new {@link ActivationStatistics}: Minitron's per-channel and per-head importance statistics.
     */
    public ActivationStatistics activationStatistics(Iterable<int[]> calibration) {
        ActivationStatistics stats = new ActivationStatistics();
        ForwardOptions options = ForwardOptions.inference().withObserver(stats);
        for (int[] tokens : calibration) {
            forward(tokens, options);
        }
        return stats;
    }

    /** The mean cross-entropy of predicting {@code targets} (-100: ignored) from {@code tokens}. */
    public double loss(int[] tokens, int[] targets) {
        return loss(tokens, null, targets);
    }

    /**
     * The mean cross-entropy of predicting {@code targets} (-100: ignored) from the packed row
     * {@code tokens} of samples {@code segments} (null: one sample); the mean is over all counted
     * positions of the row.
     */
    public double loss(int[] tokens, Segments segments, int[] targets) {
        double[] logits = forward(tokens, ForwardOptions.inference().withSegments(segments)).logits();
        return CrossEntropy.compute(logits, tokens.length, lmHead.vocab(), targets).loss();
    }

    /**
     * The mean cross-entropy loss, with its gradient with respect to every parameter <em>added</em>
     * to {@code grads} (so several sequences accumulate; scale or zero as the trainer needs). The
     * same as {@code lossAndGradients(tokens, new CrossEntropyLoss(targets), grads)}.
     */
    public double lossAndGradients(int[] tokens, int[] targets, Gradients grads) {
        return lossAndGradients(tokens, new CrossEntropyLoss(targets), grads);
    }

    /**
     * Any {@link Loss} of the logits of {@code tokens}, with its gradient with respect to every
     * parameter added to {@code grads}: forward with saved activations, the loss and d loss /
     * d logits, then {@link ForwardPass#backward}. A loss that counts no position adds nothing.
     */
    public double lossAndGradients(int[] tokens, Loss loss, Gradients grads) {
        return lossAndGradients(tokens, null, loss, grads);
    }

    /**
     * {@link #lossAndGradients(int[], Loss, Gradients)} for the packed row {@code tokens} of samples
     * {@code segments} (null: one sample): the layers keep the samples apart; the loss sees the
     * whole row's logits (cross-entropy: the mean over the row's counted positions).
     */
    public double lossAndGradients(int[] tokens, Segments segments, Loss loss, Gradients grads) {
        ForwardPass pass = forward(tokens, ForwardOptions.training().withSegments(segments));
        Loss.Value value = loss.compute(pass.logits(), pass.rows(), pass.vocab());
        if (value.counted() == 0) {
            return 0;
        }
        pass.backward(value.dLogits(), grads);
        return value.loss();
    }

    /** {@link #lossAndGradients(int[], Segments, Loss, Gradients)} with cross-entropy of {@code targets} (-100: ignored). */
    public double lossAndGradients(int[] tokens, Segments segments, int[] targets, Gradients grads) {
        return lossAndGradients(tokens, segments, new CrossEntropyLoss(targets), grads);
    }

    /** The backward pass of {@code pass} for {@code dLogits}; see {@link ForwardPass#backward}. */
    void backward(ForwardPass pass, double[] dLogits, Gradients grads) {
        int rows = pass.rows();
        // 3. lm_head, norm_f
        double[] df = lmHead.backward(dLogits, pass.finalNormed, rows, grads);
        double[] dh = normF.backward(df, pass.normFSaved, grads);
        // 2. blocks in reverse: dh flows through the residual, plus the block's input gradient
        for (int i = mixers.size() - 1; i >= 0; i--) {
            double[] dn = backwardMixer(mixers.get(i), dh, pass.mixerSaved[i], grads);
            double[] dx = norms.get(i).backward(dn, pass.normSaved[i], grads);
            for (int j = 0; j < dh.length; j++) {
                dh[j] += dx[j];
            }
        }
        // 1. embedding
        embedding.backward(pass.tokens, dh, grads);
    }

    @SuppressWarnings("unchecked")
    private static <S> double[] backwardMixer(TrainableMixer<S> mixer, double[] dOut, Object saved, Gradients g) {
        return mixer.backward(dOut, (S) saved, g);
    }

    @SuppressWarnings("unchecked")
    private static <S> double[] forwardMixer(TrainableMixer<S> mixer, double[] x, Segments segments, Object[] saved,
                                             int i) {
        S s = null;
        if (saved != null) {
            s = mixer.newSaved();
            saved[i] = s;
        }
        // one segment: the unpacked call, so that an unpacked row runs exactly as it always did
        return segments.isSingle() ? mixer.forward(x, segments.length(), s) : mixer.forward(x, segments, s);
    }

    /** One forward pass; with {@code options.forBackward()}, everything backward needs. */
    private ForwardPass run(int[] tokens, ForwardOptions options) {
        if (tokens.length == 0) {
            throw new NemotronException("forward needs at least one token");
        }
        int rows = tokens.length;
        Segments segments = options.segments() == null ? Segments.single(rows) : options.segments().requireLength(rows);
        boolean keep = options.forBackward();
        ActivationObserver observer = options.observer();
        ForwardPass pass = new ForwardPass(this, tokens, segments, keep, mixers.size(), lmHead.vocab());
        // mixer internals are read from their saved activations: an observer needs them kept too
        Object[] mixerSaved = keep ? pass.mixerSaved : observer != null ? new Object[mixers.size()] : null;
        List<double[]> hidden = options.hiddenStates() ? new ArrayList<>() : null;
        // 1. embedding
        double[] h = embedding.forward(tokens);
        if (hidden != null) {
            hidden.add(h);
        }
        // 2. residual blocks
        for (int i = 0; i < mixers.size(); i++) {
            RmsNorm.Saved ns = null;
            if (keep) {
                ns = new RmsNorm.Saved();
                pass.normSaved[i] = ns;
            }
            double[] normed = norms.get(i).forward(h, rows, ns);
            double[] mixed = forwardMixer(mixers.get(i), normed, segments, mixerSaved, i);
            if (observer != null) {
                LayerActivations.report(observer, i, mixers.get(i), normed, mixerSaved[i], rows);
                if (!keep) {
                    mixerSaved[i] = null;
                }
            }
            double[] next = h.clone();
            for (int j = 0; j < next.length; j++) {
                next[j] += mixed[j];
            }
            h = next;
            if (hidden != null && i < mixers.size() - 1) {
                hidden.add(h);
            }
        }
        // 3. norm_f, lm_head
        if (keep) {
            pass.normFSaved = new RmsNorm.Saved();
        }
        double[] f = normF.forward(h, rows, pass.normFSaved);
        if (observer != null) {
            LayerActivations.reportFinalNorm(observer, mixers.size(), f, rows);
        }
        if (hidden != null) {
            hidden.add(f);
        }
        pass.finalNormed = f;
        pass.hidden = hidden;
        pass.logits = lmHead.forward(f, rows);
        return pass;
    }
}
