package dev.nemotron.backend.cuda.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The trainer functions of {@code nemotron_cuda.h} ({@code nmc_trainer_*}): fp32 master weights,
 * gradients and AdamW moments on the device. Failures throw a
 * {@link dev.nemotron.api.NemotronException} with {@code nmc_last_error()}.
 */
public final class NmcTrainer {
    /** Slots of {@code nmc_trainer_get_tensor}/{@code set_tensor}. */
    public static final int WEIGHT = 0;
    public static final int GRAD = 1;
    public static final int EXP_AVG = 2;
    public static final int EXP_AVG_SQ = 3;

    /** One parameter as the trainer declares it. */
    public record Param(String name, long[] shape) {
        public long numel() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }
    }

    /** The result of a forward pass. */
    public record Loss(double loss, long tokens) {
    }

    private final NmcLibrary lib;
    private final MethodHandle create;
    private final MethodHandle destroy;
    private final MethodHandle paramCount;
    private final MethodHandle paramInfo;
    private final MethodHandle setTensor;
    private final MethodHandle getTensor;
    private final MethodHandle setDecay;
    private final MethodHandle setGemmPrecision;
    private final MethodHandle initRandom;
    private final MethodHandle forward;
    private final MethodHandle backward;
    private final MethodHandle tokenLogProbs;
    private final MethodHandle setTokenWeights;
    private final MethodHandle setSoftTargets;
    private final MethodHandle step;
    private final MethodHandle steps;
    private final MethodHandle setSteps;
    private final MethodHandle ncclStatus;
    private final MethodHandle dpUniqueId;
    private final MethodHandle dpJoin;

    /** {@code NMC_DP_ID_BYTES}: the size of a data-parallel group id (an NCCL unique id). */
    public static final int DP_ID_BYTES = 128;

    /** {@code nmc_nccl_status}: whether NCCL is usable, and its version or the reason it is not. */
    public record NcclStatus(boolean available, String text) {
    }

    NmcTrainer(NmcLibrary lib, NmcLibrary.Binder b) {
        this.lib = lib;
        create = b.bind("nmc_trainer_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        destroy = b.bind("nmc_trainer_destroy", FunctionDescriptor.ofVoid(ADDRESS));
        paramCount = b.bind("nmc_trainer_param_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        paramInfo = b.bind("nmc_trainer_param_info",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        setTensor = b.bind("nmc_trainer_set_tensor",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        getTensor = b.bind("nmc_trainer_get_tensor", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        setDecay = b.bind("nmc_trainer_set_decay", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        setGemmPrecision = b.bind("nmc_trainer_set_gemm_precision", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        initRandom = b.bind("nmc_trainer_init_random", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        forward = b.bind("nmc_trainer_forward",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        backward = b.bind("nmc_trainer_backward", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        tokenLogProbs = b.bind("nmc_trainer_token_logprobs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setTokenWeights = b.bind("nmc_trainer_set_token_weights", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setSoftTargets = b.bind("nmc_trainer_set_soft_targets", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE, JAVA_INT));
        step = b.bind("nmc_trainer_step", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_DOUBLE,
                JAVA_DOUBLE, JAVA_DOUBLE, JAVA_DOUBLE, ADDRESS));
        steps = b.bind("nmc_trainer_steps", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        setSteps = b.bind("nmc_trainer_set_steps", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        ncclStatus = b.bind("nmc_nccl_status", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        dpUniqueId = b.bind("nmc_trainer_dp_unique_id", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        dpJoin = b.bind("nmc_trainer_dp_join", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
    }

    /** {@code nmc_nccl_status}: loads NCCL once per process (NMC_NCCL_LIBRARY, the loader's path, pip's layout). */
    public NcclStatus ncclStatus() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096);
            int rc = (int) ncclStatus.invokeExact(buf, 4096L);
            lib.check(rc < 0 ? -1 : 0, "nmc_nccl_status");
            return new NcclStatus(rc == 1, buf.getString(0));
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** {@code nmc_trainer_dp_unique_id}: a fresh group id of {@link #DP_ID_BYTES} bytes. */
    public byte[] dpUniqueId(MemorySegment trainer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(DP_ID_BYTES);
            lib.check((int) dpUniqueId.invokeExact(trainer, out, DP_ID_BYTES), "nmc_trainer_dp_unique_id");
            return out.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** {@code nmc_trainer_dp_join}: blocks until every rank joined (or NMC_NCCL_TIMEOUT_S passed). */
    public void dpJoin(MemorySegment trainer, byte[] id, int rank, int size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, id);
            lib.check((int) dpJoin.invokeExact(trainer, seg, rank, size), "nmc_trainer_dp_join");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** {@code nmc_trainer_create}; returns the trainer pointer. */
    public MemorySegment create(MemorySegment config, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            lib.check((int) create.invokeExact(config, device, out), "nmc_trainer_create");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void destroy(MemorySegment trainer) {
        try {
            destroy.invokeExact(trainer);
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** The parameters in the trainer's order. */
    public java.util.List<Param> params(MemorySegment trainer) {
        try (Arena arena = Arena.ofConfined()) {
            int n = (int) paramCount.invokeExact(trainer);
            lib.check(n < 0 ? -1 : 0, "nmc_trainer_param_count");
            java.util.List<Param> out = new java.util.ArrayList<>(n);
            MemorySegment name = arena.allocate(512);
            MemorySegment shape = arena.allocate(JAVA_LONG, 4);
            MemorySegment ndim = arena.allocate(JAVA_INT);
            for (int i = 0; i < n; i++) {
                lib.check((int) paramInfo.invokeExact(trainer, i, name, 512, shape, ndim), "nmc_trainer_param_info");
                long[] s = new long[ndim.get(JAVA_INT, 0)];
                for (int k = 0; k < s.length; k++) {
                    s[k] = shape.getAtIndex(JAVA_LONG, k);
                }
                out.add(new Param(name.getString(0), s));
            }
            return out;
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** Uploads {@code data} (native, {@code dtype}) into slot {@link #WEIGHT}, {@link #EXP_AVG} or {@link #EXP_AVG_SQ}. */
    public void setTensor(MemorySegment trainer, String name, int slot, int dtype, long[] shape, MemorySegment data) {
        try (Arena arena = Arena.ofConfined()) {
            lib.check((int) setTensor.invokeExact(trainer, arena.allocateFrom(name), slot, dtype, shape.length,
                    arena.allocateFrom(JAVA_LONG, shape), data), "nmc_trainer_set_tensor(" + name + ")");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** Downloads a slot of parameter {@code name} into {@code out} (native, fp32, its element count). */
    public void getTensor(MemorySegment trainer, String name, int slot, MemorySegment out) {
        try (Arena arena = Arena.ofConfined()) {
            lib.check((int) getTensor.invokeExact(trainer, arena.allocateFrom(name), slot, out),
                    "nmc_trainer_get_tensor(" + name + ")");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void setDecay(MemorySegment trainer, String name, boolean decay) {
        try (Arena arena = Arena.ofConfined()) {
            lib.check((int) setDecay.invokeExact(trainer, arena.allocateFrom(name), decay ? 1 : 0), "nmc_trainer_set_decay");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** {@code NMC_FP8}: the GEMM precision of FP8 E4M3 block-scaled operands. */
    public static final int FP8 = 3;

    /** {@code nmc_trainer_set_gemm_precision}: precision NMC_F32 (0), NMC_BF16 (1) or {@link #FP8}. */
    public void setGemmPrecision(MemorySegment trainer, String name, int precision) {
        try (Arena arena = Arena.ofConfined()) {
            lib.check((int) setGemmPrecision.invokeExact(trainer, arena.allocateFrom(name), precision),
                    "nmc_trainer_set_gemm_precision");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void initRandom(MemorySegment trainer, long seed) {
        try {
            lib.check((int) initRandom.invokeExact(trainer, seed), "nmc_trainer_init_random");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** The forward pass over native int32 {@code ids} and {@code labels} [rows, seqLen]. */
    public Loss forward(MemorySegment trainer, MemorySegment ids, MemorySegment labels, int rows, int seqLen) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment loss = arena.allocate(JAVA_DOUBLE);
            MemorySegment tokens = arena.allocate(JAVA_LONG);
            lib.check((int) forward.invokeExact(trainer, ids, labels, rows, seqLen, loss, tokens), "nmc_trainer_forward");
            return new Loss(loss.get(JAVA_DOUBLE, 0), tokens.get(JAVA_LONG, 0));
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void backward(MemorySegment trainer) {
        try {
            lib.check((int) backward.invokeExact(trainer), "nmc_trainer_backward");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** {@code nmc_trainer_token_logprobs}: after a forward, log p(label) per position into {@code out} (native fp32). */
    public void tokenLogProbs(MemorySegment trainer, MemorySegment out) {
        try {
            lib.check((int) tokenLogProbs.invokeExact(trainer, out), "nmc_trainer_token_logprobs");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** {@code nmc_trainer_set_token_weights}: the next backward's per-position weights (native fp32). */
    public void setTokenWeights(MemorySegment trainer, MemorySegment weights) {
        try {
            lib.check((int) setTokenWeights.invokeExact(trainer, weights), "nmc_trainer_set_token_weights");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /**
     * {@code nmc_trainer_set_soft_targets}: the next forward's teacher targets, {@code ids} (native int32
     * [positions, k], or {@link MemorySegment#NULL} for the whole vocabulary) and {@code logits} (native
     * fp32 [positions, k]); divergence 0 forward KL, 1 reverse.
     */
    public void setSoftTargets(MemorySegment trainer, long positions, int k, MemorySegment ids, MemorySegment logits,
                               double temperature, int divergence) {
        try {
            lib.check((int) setSoftTargets.invokeExact(trainer, positions, k, ids, logits, temperature, divergence),
                    "nmc_trainer_set_soft_targets");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    /** One AdamW step; returns the gradient norm before clipping. */
    public double step(MemorySegment trainer, double lr, double maxNorm, double beta1, double beta2, double eps,
                       double weightDecay) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment norm = arena.allocate(JAVA_DOUBLE);
            lib.check((int) step.invokeExact(trainer, lr, maxNorm, beta1, beta2, eps, weightDecay, norm),
                    "nmc_trainer_step");
            return norm.get(JAVA_DOUBLE, 0);
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public long steps(MemorySegment trainer) {
        try {
            return (long) steps.invokeExact(trainer);
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }

    public void setSteps(MemorySegment trainer, long n) {
        try {
            lib.check((int) setSteps.invokeExact(trainer, n), "nmc_trainer_set_steps");
        } catch (Throwable t) {
            throw NmcLibrary.rethrow(t);
        }
    }
}
