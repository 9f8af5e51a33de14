package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.cuda.ffi.NmcLayouts;
import dev.nemotron.backend.cuda.ffi.NmcTrainer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An {@code nmc_trainer}: one saved forward at a time (the latest); a {@link Saved} that is not
 * the latest, or was closed, cannot be back-propagated. {@link #step} averages the gradients of
 * the backward passes since the last step (the host trainer's accumulation), clips them to the
 * global norm and applies AdamW.
 */
final class CudaDeviceTrainer implements TrainingExecution.DeviceTrainer {
    private final NmcTrainer calls;
    private final MemorySegment trainer;
    private final List<NmcTrainer.Param> params;
    private final CudaTrainingExecution.Hyper hyper;
    private long generation;
    private boolean closed;

    CudaDeviceTrainer(NmcTrainer calls, MemorySegment trainer, List<NmcTrainer.Param> params,
                      CudaTrainingExecution.Hyper hyper) {
        this.calls = calls;
        this.trainer = trainer;
        this.params = List.copyOf(params);
        this.hyper = hyper;
    }

    /** The parameters, by checkpoint name, in the device's order. */
    List<NmcTrainer.Param> params() {
        return params;
    }

    @Override
    public synchronized TrainingExecution.SavedForward forward(int[] ids, int[] labels, int rows, int seqLen) {
        open();
        if (rows < 1 || seqLen < 1 || (long) rows * seqLen != ids.length || ids.length != labels.length) {
            throw new IllegalArgumentException("forward: " + ids.length + " ids and " + labels.length + " labels for "
                    + rows + " x " + seqLen);
        }
        try (Arena arena = Arena.ofConfined()) {
            NmcTrainer.Loss loss = calls.forward(trainer, HostMemory.ints(arena, ids), HostMemory.ints(arena, labels),
                    rows, seqLen);
            return new Saved(++generation, loss.loss(), loss.tokens(), (long) rows * seqLen);
        }
    }

    /** F32, BF16 or F8_E4M3 (the FP8 recipe's block-scaled E4M3 operands) for one linear layer's GEMMs. */
    @Override
    public synchronized void gemmPrecision(String weightName, DType precision) {
        open();
        int code = switch (precision) {
            case F32 -> 0;
            case BF16 -> 1;
            case F8_E4M3 -> NmcTrainer.FP8;
            default -> throw new IllegalArgumentException("GEMM precision must be F32, BF16 or F8_E4M3, got " + precision);
        };
        calls.setGemmPrecision(trainer, weightName, code);
    }

    @Override
    public synchronized void backward(TrainingExecution.SavedForward forward) {
        Saved s = latest(forward, "backward");
        calls.backward(trainer);
        s.closed = true;
    }

    /** Token-weighted losses run on every CUDA trainer (nmc_trainer_token_logprobs, set_token_weights). */
    @Override
    public java.util.Optional<String> tokenWeightsUnavailable() {
        return java.util.Optional.empty();
    }

    @Override
    public synchronized float[] tokenLogProbs(TrainingExecution.SavedForward forward) {
        Saved s = latest(forward, "token log-probs");
        float[] out = new float[Math.toIntExact(s.positions)];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4L * out.length, 4);
            calls.tokenLogProbs(trainer, seg);
            MemorySegment.copy(seg, Tensor.F32_LE, 0, out, 0, out.length);
        }
        return out;
    }

    @Override
    public synchronized void backward(TrainingExecution.SavedForward forward, float[] weights) {
        Saved s = latest(forward, "backward");
        if (weights.length != s.positions) {
            throw new IllegalArgumentException(weights.length + " token weights for a forward of " + s.positions
                    + " positions");
        }
        try (Arena arena = Arena.ofConfined()) {
            calls.setTokenWeights(trainer, HostMemory.floats(arena, weights, weights.length));
        }
        calls.backward(trainer);
        s.closed = true;
    }

    /** Logit distillation runs on every CUDA trainer (nmc_trainer_set_soft_targets, src/train_head_soft.cu). */
    @Override
    public java.util.Optional<String> softTargetsUnavailable() {
        return java.util.Optional.empty();
    }

    @Override
    public synchronized void softTargets(TrainingExecution.SoftTargets targets) {
        open();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = targets.ids() == null ? MemorySegment.NULL : HostMemory.ints(arena, targets.ids());
            calls.setSoftTargets(trainer, targets.positions(), targets.k(), ids,
                    HostMemory.floats(arena, targets.logits(), targets.logits().length), targets.temperature(),
                    targets.reverse() ? 1 : 0);
        }
    }

    /** {@code forward} when it is this trainer's latest, not back-propagated nor closed. */
    private Saved latest(TrainingExecution.SavedForward forward, String what) {
        open();
        if (!(forward instanceof Saved s) || s.owner() != this || s.closed || s.generation != generation) {
            throw new IllegalStateException(what + " needs the latest forward of this trainer, not closed"
                    + " (one saved forward at a time on the device)");
        }
        return s;
    }

    @Override
    public synchronized double step(double learningRate, double maxGradNorm) {
        open();
        if (!(learningRate >= 0) || !(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("learning rate and max grad norm must be >= 0: " + learningRate + ", "
                    + maxGradNorm);
        }
        return calls.step(trainer, learningRate, maxGradNorm, hyper.beta1(), hyper.beta2(), hyper.eps(),
                hyper.weightDecay());
    }

    /**
     * Data parallelism through NCCL (native/src/nccl.cu, train_dp.cu): empty when the library found
     * NCCL, else the reason naming what is missing and every place the loader tried.
     */
    @Override
    public java.util.Optional<String> dataParallelUnavailable() {
        open();
        return DataParallel.unavailable(calls.ncclStatus());
    }

    @Override
    public synchronized byte[] newDataParallelId() {
        open();
        DataParallel.requireAvailable(calls.ncclStatus());
        return calls.dpUniqueId(trainer);
    }

    /**
     * Joins the group (the contract of {@link TrainingExecution.DeviceTrainer#joinDataParallel}); after
     * it, {@link #downloadState} of a moment is a collective: every rank must download in the same
     * order (each tensor is gathered from the ranks' shards).
     */
    @Override
    public synchronized void joinDataParallel(byte[] groupId, int rank, int size) {
        open();
        DataParallel.checkJoin(groupId, rank, size);
        DataParallel.requireAvailable(calls.ncclStatus());
        calls.dpJoin(trainer, groupId, rank, size);
    }

    @Override
    public void downloadWeights(TrainingExecution.WeightSink sink) {
        download(NmcTrainer.WEIGHT, sink);
    }

    @Override
    public void downloadState(TrainingExecution.StateSlot slot, TrainingExecution.WeightSink sink) {
        download(code(slot), sink);
    }

    @Override
    public synchronized void uploadState(TrainingExecution.StateSlot slot, String name, float[] values) {
        open();
        if (slot == TrainingExecution.StateSlot.GRADIENT) {
            throw new UnsupportedOperationException("gradients are not uploaded");
        }
        NmcTrainer.Param p = params.stream().filter(q -> q.name().equals(name)).findFirst()
                .orElseThrow(() -> new NemotronException("the device trainer has no parameter " + name));
        if (values.length != p.numel()) {
            throw new NemotronException(slot.key() + " of " + name + " has " + values.length + " values, the parameter "
                    + p.numel());
        }
        try (Arena arena = Arena.ofConfined()) {
            calls.setTensor(trainer, name, code(slot), NmcLayouts.NMC_F32, p.shape(),
                    HostMemory.floats(arena, values, values.length));
        }
    }

    @Override
    public synchronized long optimizerSteps() {
        open();
        return calls.steps(trainer);
    }

    @Override
    public synchronized void optimizerSteps(long steps) {
        open();
        calls.setSteps(trainer, steps);
    }

    private synchronized void download(int slot, TrainingExecution.WeightSink sink) {
        open();
        for (NmcTrainer.Param p : params) {
            float[] values = new float[Math.toIntExact(p.numel())];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(4L * values.length, 4);
                calls.getTensor(trainer, p.name(), slot, out);
                MemorySegment.copy(out, Tensor.F32_LE, 0, values, 0, values.length);
            }
            sink.accept(p.name(), p.shape().clone(), values);
        }
    }

    private static int code(TrainingExecution.StateSlot slot) {
        return switch (slot) {
            case GRADIENT -> NmcTrainer.GRAD;
            case EXP_AVG -> NmcTrainer.EXP_AVG;
            case EXP_AVG_SQ -> NmcTrainer.EXP_AVG_SQ;
        };
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            calls.destroy(trainer);
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the device trainer is closed");
        }
    }

    /** The latest forward's loss; the device keeps its state. */
    private final class Saved implements TrainingExecution.SavedForward {
        private final long generation;
        private final double loss;
        private final long tokens;
        private final long positions;
        private boolean closed;

        Saved(long generation, double loss, long tokens, long positions) {
            this.generation = generation;
            this.loss = loss;
            this.tokens = tokens;
            this.positions = positions;
        }

        CudaDeviceTrainer owner() {
            return CudaDeviceTrainer.this;
        }

        @Override
        public double loss() {
            return loss;
        }

        @Override
        public long tokens() {
            return tokens;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
