package dev.nemotron.api.backend;

import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.tensor.DType;

/**
 * The training facet of a backend ({@link Backend#trainingExecution()}): a model's weights,
 * gradients and optimizer state live on the device, and a step runs there as forward (keeping
 * what backward needs), backward, then an optimizer step; only token ids, labels, the loss and,
 * on request, the weights cross to the host.
 *
 * <p>This is the contract a GPU trainer plugs into; the CUDA backend offers it (AdamW, fp32 master
 * weights; docs/backend-cuda.md "Training"). The trainer of {@code nemotron-train} is the float64
 * host reference.
 */
public interface TrainingExecution {
    /** Whether {@link #open} trains artifacts of {@code kind} (e.g. {@link ModelArtifact.HfModel}). */
    boolean opens(Class<? extends ModelArtifact> kind);

    /**
     * Puts the model on the device for training with the optimizer named {@code optimizer} (as
     * {@link dev.nemotron.api.optim.OptimizerProvider#name()}, e.g. {@code "adamw"}) and its
     * options.
     *
     * @throws dev.nemotron.api.NemotronException when the artifact is of a kind this execution does
     *     not train, the optimizer is unknown to it, or the model does not fit the device
     */
    DeviceTrainer open(ModelArtifact artifact, String optimizer, OptimizerConfig options);

    /** A model being trained on a device. Used from one thread at a time. */
    interface DeviceTrainer extends AutoCloseable {
        /**
         * The forward pass over {@code rows} sequences of {@code seqLen} token ids (row-major),
         * with the next-token {@code labels} of the same layout ({@code -100} ignores a position),
         * keeping on the device what {@link #backward} needs.
         */
        SavedForward forward(int[] ids, int[] labels, int rows, int seqLen);

        /**
         * Back-propagates the loss of {@code forward}, adding the gradients to those accumulated
         * since the last {@link #step}; the saved state is released.
         */
        void backward(SavedForward forward);

        /**
         * One optimizer step at {@code learningRate} with the accumulated gradients, clipped to a
         * global norm of {@code maxGradNorm} (0: no clipping), then clears them.
         *
         * @return the global gradient norm before clipping
         */
        double step(double learningRate, double maxGradNorm);

        /**
         * The precision of the GEMMs of one linear layer (its weight's checkpoint name): {@code F32},
         * {@code BF16}, or {@code F8_E4M3} for the FP8 recipe's block-scaled E4M3 operands (as the host
         * trainer's {@code PrecisionPolicy}); the default for every layer is the trainer's compute type.
         * The default implementation supports none.
         *
         * @throws UnsupportedOperationException when this trainer cannot change a layer's GEMM precision
         */
        default void gemmPrecision(String weightName, DType precision) {
            throw new UnsupportedOperationException("this device trainer runs every GEMM in its compute type");
        }

        /**
         * Why this trainer cannot minimise a loss given per token ({@link #tokenLogProbs},
         * {@link #backward(SavedForward, float[])}): empty when it can. Every loss that is a function
         * of the log-probabilities of the labels (DPO, GRPO) runs through these two. The default:
         * cross-entropy only.
         */
        default java.util.Optional<String> tokenWeightsUnavailable() {
            return java.util.Optional.of("this device trainer minimises the mean cross-entropy only");
        }

        /**
         * The log-probability of each position's label under the weights of {@code forward} (the
         * latest, not yet back-propagated), [rows * seqLen] row-major, 0 where the label is ignored.
         *
         * @throws UnsupportedOperationException when {@link #tokenWeightsUnavailable} is not empty
         */
        default float[] tokenLogProbs(SavedForward forward) {
            throw new UnsupportedOperationException(tokenWeightsUnavailable().orElse("no token log-probs"));
        }

        /**
         * Back-propagates {@code sum_t weights[t] * -log p(label_t)} of {@code forward} instead of its
         * mean cross-entropy: a loss L of the token log-probs passes {@code weights = -dL/dlogp}
         * (ignored positions: any value). Gradients add up as {@link #backward(SavedForward)}'s.
         *
         * @throws UnsupportedOperationException when {@link #tokenWeightsUnavailable} is not empty
         */
        default void backward(SavedForward forward, float[] weights) {
            throw new UnsupportedOperationException(tokenWeightsUnavailable().orElse("no token weights"));
        }

        /**
         * Why this trainer cannot minimise a KL to a teacher's distribution ({@link #softTargets}, logit
         * distillation): empty when it can. The default: it cannot.
         */
        default java.util.Optional<String> softTargetsUnavailable() {
            return java.util.Optional.of("this device trainer has no soft-target (distillation) head");
        }

        /**
         * Makes the NEXT {@link #forward} (over {@code targets.positions()} positions) and its backward
         * minimise the KL of {@code targets} instead of the mean cross-entropy: the forward's loss is that
         * KL, averaged over the positions whose label is not ignored. Targets not used by the next forward
         * are dropped.
         *
         * @throws UnsupportedOperationException when {@link #softTargetsUnavailable} is not empty
         */
        default void softTargets(SoftTargets targets) {
            throw new UnsupportedOperationException(softTargetsUnavailable().orElse("no soft targets"));
        }

        /** Copies the current weights to the host, by their checkpoint names, into {@code sink}. */
        void downloadWeights(WeightSink sink);

        /**
         * Copies one kind of per-parameter state to the host by checkpoint name: the gradients
         * accumulated since the last {@link #step} (their sum over the backward passes), or the
         * optimizer's moments. The default supports none.
         *
         * @throws UnsupportedOperationException when this trainer does not expose {@code slot}
         */
        default void downloadState(StateSlot slot, WeightSink sink) {
            throw new UnsupportedOperationException("this device trainer does not expose " + slot);
        }

        /**
         * Replaces the optimizer moment {@code slot} of parameter {@code name} (to resume a run).
         *
         * @throws UnsupportedOperationException for {@link StateSlot#GRADIENT} or when unsupported
         */
        default void uploadState(StateSlot slot, String name, float[] values) {
            throw new UnsupportedOperationException("this device trainer does not take " + slot);
        }

        /** Optimizer steps taken (AdamW's bias-correction counter); 0 when unknown. */
        default long optimizerSteps() {
            return 0;
        }

        /** Sets the optimizer step counter (to resume a run). */
        default void optimizerSteps(long steps) {
            throw new UnsupportedOperationException("this device trainer does not resume its step counter");
        }

        /**
         * Why this trainer cannot join a data-parallel group through its device's own collectives
         * (NCCL for the CUDA backend); empty when it can.
         */
        default java.util.Optional<String> dataParallelUnavailable() {
            return java.util.Optional.of("this device trainer has no device collectives");
        }

        /**
         * Rank 0 of a group calls this once: a fresh group id (opaque bytes, e.g. an NCCL unique id)
         * that the launcher hands to every rank for {@link #joinDataParallel}.
         */
        default byte[] newDataParallelId() {
            throw new UnsupportedOperationException(dataParallelUnavailable().orElse("no data parallelism"));
        }

        /**
         * Joins the data-parallel group {@code groupId} as {@code rank} of {@code size} (one process
         * per device; every rank calls this with the same id and the same initial weights); blocks
         * until every rank has joined. From then on {@link #step} first averages the accumulated
         * gradients over the ranks (so the global norm and the clipping see what one rank with the
         * whole batch would see), and each rank keeps the optimizer state of its shard of the
         * parameters only (ZeRO-1), the updated weights gathered to every rank. {@link #downloadState}
         * and {@link #downloadWeights} still return whole tensors.
         *
         * @throws dev.nemotron.api.NemotronException when the group cannot be formed (a rank died,
         *     an id from another group, a device already in the group)
         */
        default void joinDataParallel(byte[] groupId, int rank, int size) {
            throw new UnsupportedOperationException(dataParallelUnavailable().orElse("no data parallelism"));
        }

        /** Frees the device memory. */
        @Override
        void close();
    }

    /** The state a forward pass kept on the device for its backward pass. */
    interface SavedForward extends AutoCloseable {
        /** The mean cross-entropy loss over the positions not ignored. */
        double loss();

        /** The positions not ignored. */
        long tokens();

        /** Frees the saved state without a backward pass (e.g. a held-out loss). */
        @Override
        void close();
    }

    /**
     * A teacher's targets for logit distillation over {@code positions} positions (row-major, as the
     * forward's ids): per position a support of {@code k} tokens ({@code ids} [positions, k], or null
     * when k is the whole vocabulary in token order) and the teacher's logits on it ({@code logits}
     * [positions, k]). Per counted position t, with u = z_student / T and w = logits / T, both
     * renormalised over the support: forward KL {@code l_t = sum p (log p - log q)}, reverse
     * {@code l_t = sum q (log q - log p)}; the loss is {@code T^2 l_t} averaged over the counted
     * positions (nemotron-compress's {@code DistillationLoss}).
     */
    record SoftTargets(long positions, int k, int[] ids, float[] logits, double temperature, boolean reverse) {
        public SoftTargets {
            if (positions < 1 || k < 1 || logits.length != positions * k || (ids != null && ids.length != logits.length)) {
                throw new IllegalArgumentException("soft targets of " + positions + " positions x " + k + " need as many"
                        + " logits (got " + logits.length + ")" + (ids == null ? "" : " and ids (got " + ids.length + ")"));
            }
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("distillation temperature must be a positive number, got " + temperature);
            }
        }
    }

    /** Per-parameter state besides the weights; the moment names are AdamW's state slots. */
    enum StateSlot {
        /** The gradients accumulated since the last step. */
        GRADIENT("grad"),
        /** AdamW's first moment. */
        EXP_AVG("exp_avg"),
        /** AdamW's second moment. */
        EXP_AVG_SQ("exp_avg_sq");

        private final String key;

        StateSlot(String key) {
            this.key = key;
        }

        /** The slot's name in optimizer state files ({@code exp_avg}, {@code exp_avg_sq}). */
        public String key() {
            return key;
        }
    }

    /** Receives downloaded weights: one call per tensor, row-major float32. */
    @FunctionalInterface
    interface WeightSink {
        void accept(String name, long[] shape, float[] values);
    }
}
