package dev.nemotron.train.trainer;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.backend.TrainingExecution.StateSlot;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.loss.LogProbLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.loss.SoftTargetLoss;
import dev.nemotron.train.fp8.PrecisionPolicy;
import dev.nemotron.train.optim.AdamW;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The {@link Trainer}'s steps on a backend's device ({@link TrainingExecution}): the host model
 * and optimizer stay the record of the run (checkpoints, held-out loss, resume), the device holds
 * the live copy.
 *
 * <pre>
 * open:  weights (host model -> fp32), AdamW moments and step counter (host optimizer state) -> device
 * step:  per batch, the mean over its rows of each row's mean loss (the host trainer's BatchGradients):
 *        one forward/backward of all rows when they are equally long with equal kept positions (the
 *        device's mean over kept positions is then the same), else one per row (the device averages
 *        the backward passes); packed rows (SFT packing): each sample a piece of its own, the pieces in
 *        length buckets of at most B x L padded tokens each (at most twice the pieces' tokens in all),
 *        per-position weights M / (B n_b) on the token log-prob path ({@link PackedRowsOnDevice});
 *        then clipping and AdamW on the device
 * sync:  device weights and moments -> host model and optimizer (before a checkpoint or held-out loss),
 *        so checkpoints keep the host trainer's format and resume on either trainer
 * </pre>
 * Any {@link LogProbLoss} per row (DPO, GRPO: {@link #lossAndGradients(int[][], IntFunction, List)}):
 * <pre>
 * B rows, row b of segments s (packed: DPO's chosen and rejected), P pieces = all segments, W = the longest
 * 1. piece p = one segment, right-padded to W with id 0 and label -100 (causal: padding changes no
 *    earlier position); one device forward of [P, W]
 * 2. lp = the device's log p(label) per position, scattered back to each row's positions
 * 3. (loss_b, g_b) = losses[b].ofLogProbs(lp_b)            on the host, the host losses' own code
 * 4. device backward with weight -g_b[t] / B per position  (= the mean over rows, as BatchGradients)
 * </pre>
 * A {@link SoftTargetLoss} per row (logit distillation: {@code distill --backend cuda}):
 * <pre>
 * 1. per row, the teacher's targets (its forward on the host, rows in parallel): the support of each
 *    position (the whole vocabulary or the teacher's top k) and the teacher's logits on it
 * 2. the device's soft-target head computes the KL and d KL / d logits itself; one forward/backward of
 *    all rows when they are equally long with equal counted positions, else one per row (as above)
 * </pre>
 * Needs AdamW (the device runs it). Cross-entropy and a LogProbLoss take packed rows (one piece per sample;
 * packed cross-entropy needs the token-weight calls, {@code tokenWeightsUnavailable}); a SoftTargetLoss
 * takes unpacked rows only (its head averages a forward's counted positions, with no per-position weight).
 * A LogProbLoss runs one device forward per batch: its memory is the padded pieces' (DPO: up to 2 x batch
 * x seq_len tokens). A model with an FP8 {@link PrecisionPolicy}
 * ({@code --fp8}) runs each linear layer's GEMMs on the device in the policy's precision.
 */
public final class DeviceSteps implements AutoCloseable {
    private final Backend backend;
    private final TrainingExecution execution;
    private final String backendName;
    private final DType compute;
    private TrainingExecution.DeviceTrainer device;
    private int vocab;
    private int dpRank;
    private int dpSize = 1;

    private DeviceSteps(Backend backend, TrainingExecution execution, String backendName, DType compute) {
        this.backend = backend;
        this.execution = execution;
        this.backendName = backendName;
        this.compute = compute;
    }

    /**
     * The training facet of {@code backend} (closed with this), GEMM inputs {@code precision}
     * ("fp32" or "bf16").
     *
     * @throws NemotronException naming the backend when it does not train on its device
     */
    public static DeviceSteps of(Backend backend, String precision) {
        Optional<TrainingExecution> exec = backend.trainingExecution();
        if (exec.isEmpty() || !exec.get().opens(ModelArtifact.HfModel.class)) {
            throw new NemotronException("backend '" + backend.name() + "' does not train on a device (no training"
                    + " execution); use --backend cuda on a GPU machine, or leave --backend out to train on the host");
        }
        DType compute = switch (precision) {
            case "fp32" -> DType.F32;
            case "bf16" -> DType.BF16;
            default -> throw new NemotronException("precision must be fp32 or bf16, got '" + precision + "'");
        };
        return new DeviceSteps(backend, exec.get(), backend.name(), compute);
    }

    /** The device's backend name. */
    public String backend() {
        return backendName;
    }

    /** Opens the device copy of {@code model} and {@code optimizer}'s state at optimizer step {@code step}. */
    public void open(TrainableModel model, Optimizer optimizer, long step) {
        if (!(optimizer instanceof AdamW adamw)) {
            throw new NemotronException("the device trainer runs AdamW, not '" + optimizer.name()
                    + "' (use --optimizer adamw, or leave --backend out)");
        }
        ModelGraph graph = model.graph();
        vocab = graph.config().vocabSize();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Parameters.Param p : model.parameters().all()) {
            weights.put(p.name(), Tensor.ofFloats(floats(p.data()), p.shape()));
        }
        WeightSource source = new WeightSource() {
            @Override
            public Optional<Tensor> find(String name) {
                return Optional.ofNullable(weights.get(name));
            }

            @Override
            public Tensor require(String name) {
                return find(name).orElseThrow(() -> new NemotronException("no weight " + name));
            }
        };
        var spec = new DeviceModelSpec(graph.config().view(), graph.config().pattern(), graph.layerDims(),
                DeviceWeights.checkpoint(source, List.copyOf(weights.keySet())), compute, 1, 1, 1);
        AdamW.Hyper h = adamw.hyper();
        OptimizerConfig options = OptimizerConfig.of(Map.of("beta1", Double.toString(h.beta1()),
                "beta2", Double.toString(h.beta2()), "eps", Double.toString(h.eps()),
                "weight_decay", Double.toString(h.weightDecay())));
        device = execution.open(new ModelArtifact.HfModel(spec), "adamw", options);
        if (model.precisionPolicy() != null) {
            applyPrecision(model.precisionPolicy().plan(graph), device);
        }
        OptimizerState state = adamw.state();
        for (String key : state.names()) {
            int slash = key.indexOf('/');
            StateSlot slot = key.startsWith(AdamW.EXP_AVG_SQ + "/") ? StateSlot.EXP_AVG_SQ : StateSlot.EXP_AVG;
            device.uploadState(slot, key.substring(slash + 1), floats(state.get(key)));
        }
        device.optimizerSteps(step);
    }

    /**
     * Joins the device trainer (opened) to the data-parallel group of the ranks of {@code group}:
     * rank 0 makes the group id ({@code newDataParallelId}, e.g. an NCCL unique id) and the host
     * group hands it to every rank, then each calls {@code joinDataParallel(id, rank, size)}. From
     * then on {@link #step} averages the gradients over the ranks and shards the optimizer state.
     *
     * @throws NemotronException with the device trainer's reason when it has no collectives
     */
    public void joinDataParallel(dev.nemotron.api.distributed.ProcessGroup group) {
        Optional<String> unavailable = device.dataParallelUnavailable();
        if (unavailable.isPresent()) {
            throw new NemotronException("backend '" + backendName + "' cannot train data-parallel: " + unavailable.get()
                    + "; leave --backend out to train the ranks on the host, or use --ranks 1");
        }
        byte[] id = group.broadcast(group.leader() ? device.newDataParallelId() : null);
        device.joinDataParallel(id, group.rank(), group.size());
        dataParallelRank(group.rank(), group.size());
    }

    /** This trainer is rank {@code rank} of {@code size} data-parallel ranks (packed rows: each rank's forwards). */
    void dataParallelRank(int rank, int size) {
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " of " + size);
        }
        dpRank = rank;
        dpSize = size;
    }

    /**
     * Runs the GEMMs of every linear layer of {@code plan} on {@code device} in the plan's precision
     * (the FP8 recipe: E4M3 block-scaled operands, BF16 edge layers), as the host trainer's
     * {@link TrainableModel#precision} simulates them.
     */
    public static void applyPrecision(PrecisionPolicy.Plan plan, TrainingExecution.DeviceTrainer device) {
        plan.byLayer().forEach((name, precision) -> device.gemmPrecision(name, precision.dtype()));
    }

    /**
     * Refuses, naming {@code what} (e.g. "the DPO loss"), a device trainer that cannot minimise losses
     * of the token log-probs ({@link TrainingExecution.DeviceTrainer#tokenWeightsUnavailable}).
     */
    public void requireTokenLosses(String what) {
        device.tokenWeightsUnavailable().ifPresent(why -> {
            throw new NemotronException("backend '" + backendName + "' cannot run " + what + " on its device: " + why
                    + " (leave --backend out to train on the host)");
        });
    }

    /** Whether {@link #open} has been called. */
    public boolean isOpen() {
        return device != null;
    }

    /**
     * The mean over the rows of each row's mean cross-entropy (packed rows: each row's mean over its
     * counted positions, as {@link BatchGradients}), with its gradients accumulated on the device (one rank).
     */
    public double lossAndGradients(TrainingBatch batch) {
        return lossAndGradients(batch, batch);
    }

    /**
     * {@link #lossAndGradients(TrainingBatch)} of this rank's {@code rows} of the step's {@code global}
     * batch (data parallel: {@link DataParallel#shard}; one rank: the same batch). Packed rows run as
     * {@link PackedRowsOnDevice}'s pieces; every rank then runs as many backward passes as the rank
     * that needs the most (the device all-reduces each pass), which each rank can tell from the global
     * batch without a collective. Unpacked rows: one forward, or one per row, as in the class comment
     * (data parallel: one forward only when every rank's rows allow it, for the same reason).
     */
    double lossAndGradients(TrainingBatch rows, TrainingBatch global) {
        if (global.packed()) {
            device.tokenWeightsUnavailable().ifPresent(why -> {
                throw new NemotronException("backend '" + backendName + "' cannot train packed rows on its device: " + why
                        + " (train one sample per row, e.g. sft --no-pack, or leave --backend out to train on the host)");
            });
            List<PieceBuckets.Bucket> plan = PackedRowsOnDevice.plan(rows);
            int forwards = Math.max(1, plan.size());
            for (int r = 0; r < dpSize; r++) {
                if (r != dpRank) {
                    forwards = Math.max(forwards, PackedRowsOnDevice.plan(DataParallel.shard(global, r, dpSize)).size());
                }
            }
            return PackedRowsOnDevice.lossAndGradients(device, rows, plan, forwards);
        }
        return unpackedLossAndGradients(rows, global);
    }

    private double unpackedLossAndGradients(TrainingBatch batch, TrainingBatch global) {
        int rows = batch.inputs().length;
        int len = batch.inputs()[0].length;
        // one forward only when every rank's rows allow it: the ranks run equal numbers of backward passes
        boolean uniform = uniform(batch);
        for (int r = 0; r < dpSize; r++) {
            if (r != dpRank) {
                uniform &= uniform(DataParallel.shard(global, r, dpSize));
            }
        }
        if (uniform) {
            int[] ids = new int[rows * len];
            int[] labels = new int[rows * len];
            for (int b = 0; b < rows; b++) {
                System.arraycopy(batch.inputs()[b], 0, ids, b * len, len);
                System.arraycopy(batch.targets()[b], 0, labels, b * len, len);
            }
            try (var f = device.forward(ids, labels, rows, len)) {
                device.backward(f);
                return f.loss();
            }
        }
        double sum = 0;
        for (int b = 0; b < rows; b++) {
            int[] in = batch.inputs()[b];
            try (var f = device.forward(in, batch.targets()[b], 1, in.length)) {
                device.backward(f);  // a row with no kept position adds zero gradients (and counts, as on the host)
                sum += f.loss();
            }
        }
        return sum / rows;
    }

    /**
     * The mean over the rows of {@code losses.get(b)} (each a {@link LogProbLoss}) of {@code inputs[b]}
     * with samples {@code segments.apply(b)} (null: one), its gradients accumulated on the device:
     * steps 1-4 above. The losses hold their results (DPO's terms, GRPO's statistics) as on the host.
     */
    public double lossAndGradients(int[][] inputs, IntFunction<Segments> segments, List<? extends Loss> losses) {
        int rows = inputs.length;
        if (rows == 0 || losses.size() != rows) {
            throw new IllegalArgumentException(rows + " rows but " + losses.size() + " losses");
        }
        if (losses.getFirst() instanceof SoftTargetLoss) {
            return softLossAndGradients(inputs, segments, losses);
        }
        // 1. pieces
        List<int[]> pieces = new java.util.ArrayList<>();  // {row, start, length}
        int width = 1;
        for (int b = 0; b < rows; b++) {
            if (!(losses.get(b) instanceof LogProbLoss)) {
                throw new NemotronException("the device trainer runs losses of the token log-probabilities (cross-entropy,"
                        + " DPO, GRPO), not " + losses.get(b).getClass().getSimpleName() + "; leave --backend out");
            }
            Segments seg = segments.apply(b);
            if (seg == null) {
                seg = Segments.single(inputs[b].length);
            }
            for (int i = 0; i < seg.count(); i++) {
                pieces.add(new int[] {b, seg.start(i), seg.length(i)});
                width = Math.max(width, seg.length(i));
            }
        }
        int n = pieces.size();
        int[] ids = new int[Math.multiplyExact(n, width)];
        int[] labels = new int[ids.length];
        java.util.Arrays.fill(labels, -100);
        for (int p = 0; p < n; p++) {
            int[] pc = pieces.get(p);
            int[] targets = ((LogProbLoss) losses.get(pc[0])).targets();
            System.arraycopy(inputs[pc[0]], pc[1], ids, p * width, pc[2]);
            System.arraycopy(targets, pc[1], labels, p * width, pc[2]);
        }
        try (var f = device.forward(ids, labels, n, width)) {
            // 2. log-probs back to the rows
            float[] lp = device.tokenLogProbs(f);
            double[][] rowLp = new double[rows][];
            for (int b = 0; b < rows; b++) {
                rowLp[b] = new double[inputs[b].length];
            }
            for (int p = 0; p < n; p++) {
                int[] pc = pieces.get(p);
                for (int t = 0; t < pc[2]; t++) {
                    rowLp[pc[0]][pc[1] + t] = lp[p * width + t];
                }
            }
            // 3. each row's loss and d loss / d lp
            double sum = 0;
            double[][] grad = new double[rows][];
            for (int b = 0; b < rows; b++) {
                LogProbLoss.Weighted w = ((LogProbLoss) losses.get(b)).ofLogProbs(rowLp[b]);
                sum += w.loss();
                grad[b] = w.dLogProbs();
            }
            // 4. weights -g / B, the backward
            float[] weights = new float[ids.length];
            for (int p = 0; p < n; p++) {
                int[] pc = pieces.get(p);
                for (int t = 0; t < pc[2]; t++) {
                    weights[p * width + t] = (float) (-grad[pc[0]][pc[1] + t] / rows);
                }
            }
            device.backward(f, weights);
            return sum / rows;
        }
    }

    /** The mean over the rows of each row's {@link SoftTargetLoss}, its gradients accumulated on the device. */
    private double softLossAndGradients(int[][] inputs, IntFunction<Segments> segments, List<? extends Loss> losses) {
        device.softTargetsUnavailable().ifPresent(why -> {
            throw new NemotronException("backend '" + backendName + "' cannot distil on its device: " + why
                    + " (leave --backend out to train on the host)");
        });
        int rows = inputs.length;
        boolean[][] counted = new boolean[rows][];
        for (int b = 0; b < rows; b++) {
            if (!(losses.get(b) instanceof SoftTargetLoss)) {
                throw new NemotronException("a batch mixes distillation losses with " + losses.get(b).getClass().getSimpleName());
            }
            Segments seg = segments.apply(b);
            if (seg != null && seg.count() > 1) {
                throw new NemotronException("the device trainer distils unpacked rows (one sample each); leave --backend"
                        + " out to train packed rows");
            }
            counted[b] = ((SoftTargetLoss) losses.get(b)).counted(inputs[b].length);
        }
        // 1. the teacher's targets, rows in parallel (the teacher is thread-safe)
        TrainingExecution.SoftTargets[] targets = IntStream.range(0, rows).parallel()
                .mapToObj(b -> ((SoftTargetLoss) losses.get(b)).softTargets(inputs[b].length, vocab))
                .toArray(TrainingExecution.SoftTargets[]::new);
        // 2. one forward of all rows, or one per row
        int len = inputs[0].length;
        long kept0 = count(counted[0]);
        boolean uniform = kept0 > 0;
        for (int b = 0; b < rows; b++) {
            uniform &= inputs[b].length == len && count(counted[b]) == kept0 && targets[b].k() == targets[0].k()
                    && (targets[b].ids() == null) == (targets[0].ids() == null);
        }
        if (uniform) {
            int[] ids = new int[Math.multiplyExact(rows, len)];
            int[] labels = new int[ids.length];
            int k = targets[0].k();
            float[] logits = new float[Math.multiplyExact(ids.length, k)];
            int[] support = targets[0].ids() == null ? null : new int[logits.length];
            for (int b = 0; b < rows; b++) {
                System.arraycopy(inputs[b], 0, ids, b * len, len);
                System.arraycopy(labels(counted[b]), 0, labels, b * len, len);
                System.arraycopy(targets[b].logits(), 0, logits, b * len * k, len * k);
                if (support != null) {
                    System.arraycopy(targets[b].ids(), 0, support, b * len * k, len * k);
                }
            }
            TrainingExecution.SoftTargets t = targets[0];
            device.softTargets(new TrainingExecution.SoftTargets(ids.length, k, support, logits, t.temperature(), t.reverse()));
            try (var f = device.forward(ids, labels, rows, len)) {
                device.backward(f);
                return f.loss();
            }
        }
        double sum = 0;
        for (int b = 0; b < rows; b++) {
            device.softTargets(targets[b]);
            try (var f = device.forward(inputs[b], labels(counted[b]), 1, inputs[b].length)) {
                device.backward(f);  // a row with no counted position adds zero gradients (and counts, as on the host)
                sum += f.loss();
            }
        }
        return sum / rows;
    }

    /** The device's labels of a soft-target row: any token id where counted, -100 elsewhere. */
    private static int[] labels(boolean[] counted) {
        int[] l = new int[counted.length];
        for (int t = 0; t < l.length; t++) {
            l[t] = counted[t] ? 0 : -100;
        }
        return l;
    }

    private static long count(boolean[] counted) {
        long n = 0;
        for (boolean c : counted) {
            n += c ? 1 : 0;
        }
        return n;
    }

    /** Clipping and AdamW on the device; the gradient norm before clipping. */
    public double step(double lr, double maxGradNorm) {
        return device.step(lr, maxGradNorm);
    }

    /** Copies the device's weights and AdamW moments into {@code model} and {@code optimizer}. */
    public void syncTo(TrainableModel model, Optimizer optimizer) {
        Parameters p = model.parameters();
        device.downloadWeights((name, shape, values) -> copy(values, p.get(name)));
        Map<String, double[]> arrays = new LinkedHashMap<>();
        for (StateSlot slot : List.of(StateSlot.EXP_AVG, StateSlot.EXP_AVG_SQ)) {
            device.downloadState(slot, (name, shape, values) -> {
                double[] d = new double[values.length];
                copy(values, d);
                arrays.put(slot.key() + "/" + name, d);
            });
        }
        optimizer.load(new OptimizerState(arrays));
    }

    @Override
    public void close() {
        try {
            if (device != null) {
                device.close();
                device = null;
            }
        } finally {
            backend.close();
        }
    }

    /** Whether {@code batch}'s rows are equally long with equally many kept positions, at least one. */
    private static boolean uniform(TrainingBatch batch) {
        int len = batch.inputs()[0].length;
        long kept0 = kept(batch.targets()[0]);
        boolean uniform = kept0 > 0;
        for (int b = 0; b < batch.inputs().length; b++) {
            uniform &= batch.inputs()[b].length == len && kept(batch.targets()[b]) == kept0;
        }
        return uniform;
    }

    private static long kept(int[] targets) {
        long n = 0;
        for (int t : targets) {
            n += t != -100 ? 1 : 0;
        }
        return n;
    }

    private static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static void copy(float[] from, double[] to) {
        if (from.length != to.length) {
            throw new NemotronException("device tensor of " + from.length + " values for a host tensor of " + to.length);
        }
        for (int i = 0; i < from.length; i++) {
            to[i] = from[i];
        }
    }
}
