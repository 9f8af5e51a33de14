package dev.nemotron.backend.cuda.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nemotron.api.NemotronException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code libnemotron_cuda.so} bound with FFM: one downcall handle per function of
 * {@code nemotron_cuda.h}, and checked wrappers of the library, device, model and session
 * functions (the kernels are in {@link NmcKernels}). A call returning {@code NMC_ERR} becomes a
 * {@link NemotronException} carrying {@code nmc_last_error()}.
 *
 * <p>A library is loaded once per JVM and path and stays loaded (its handles live in the global
 * arena).
 */
public final class NmcLibrary {
    private static final Map<Path, NmcLibrary> LOADED = new ConcurrentHashMap<>();
    private static final int OK = 0;

    private final Path path;
    private final MethodHandle abiVersion;
    private final MethodHandle lastError;
    private final MethodHandle deviceCount;
    private final MethodHandle deviceDescribe;
    private final MethodHandle deviceBandwidth;
    private final MethodHandle modelCreate;
    private final MethodHandle modelSetTensor;
    private final MethodHandle modelInitRandom;
    private final MethodHandle modelFinalize;
    private final MethodHandle modelQuantizeFp8;
    private final MethodHandle modelQuantizeLmHeadFp8;
    private final MethodHandle modelSetFp8Tensor;
    private final MethodHandle modelWeightBytes;
    private final MethodHandle modelDestroy;
    private final MethodHandle sessionCreate;
    private final MethodHandle sessionDestroy;
    private final MethodHandle slotReset;
    private final MethodHandle slotLength;
    private final MethodHandle sessionBytes;
    private final MethodHandle kvBlocks;
    private final MethodHandle kvFreeBlocks;
    private final MethodHandle kvBlockTokens;
    private final MethodHandle kvBlockBytes;
    private final MethodHandle sessionUseGraphs;
    private final MethodHandle prefill;
    private final MethodHandle decode;
    private final MethodHandle decodeSample;
    private final NmcKernels kernels;
    private final NmcTrainer trainer;

    private NmcLibrary(Path path, Binder b) {
        this.path = path;
        abiVersion = b.bind("nmc_abi_version", FunctionDescriptor.of(JAVA_INT));
        lastError = b.bind("nmc_last_error", FunctionDescriptor.of(ADDRESS));
        deviceCount = b.bind("nmc_device_count", FunctionDescriptor.of(JAVA_INT));
        deviceDescribe = b.bind("nmc_device_describe", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        deviceBandwidth = b.bind("nmc_device_bandwidth", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
        modelCreate = b.bind("nmc_model_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        modelSetTensor = b.bind("nmc_model_set_tensor",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        modelInitRandom = b.bind("nmc_model_init_random", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        modelFinalize = b.bind("nmc_model_finalize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelQuantizeFp8 = b.bind("nmc_model_quantize_fp8", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        modelQuantizeLmHeadFp8 = b.bind("nmc_model_quantize_lm_head_fp8", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        modelSetFp8Tensor = b.bind("nmc_model_set_fp8_tensor", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG,
                JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS));
        modelWeightBytes = b.bind("nmc_model_weight_bytes", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelDestroy = b.bind("nmc_model_destroy", FunctionDescriptor.ofVoid(ADDRESS));
        sessionCreate = b.bind("nmc_session_create_paged",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
        sessionDestroy = b.bind("nmc_session_destroy", FunctionDescriptor.ofVoid(ADDRESS));
        slotReset = b.bind("nmc_slot_reset", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        slotLength = b.bind("nmc_slot_length", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        sessionBytes = b.bind("nmc_session_bytes", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        kvBlocks = b.bind("nmc_session_kv_blocks", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        kvFreeBlocks = b.bind("nmc_session_kv_free_blocks", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        kvBlockTokens = b.bind("nmc_session_kv_block_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        kvBlockBytes = b.bind("nmc_session_kv_block_bytes", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        sessionUseGraphs = b.bind("nmc_session_use_graphs", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        prefill = b.bind("nmc_prefill",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        decode = b.bind("nmc_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        decodeSample = b.bind("nmc_decode_sample",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        kernels = new NmcKernels(this, b);
        trainer = new NmcTrainer(this, b);
    }

    /**
     * Loads (once per JVM) the library at {@code path} and binds every function it uses: all of
     * the header but {@code nmc_k_sample}, which only the native self-test calls.
     *
     * @throws IllegalArgumentException when the dynamic loader cannot open it (its message is the
     *     loader's: a missing dependency such as libcudart, a file that is no shared library)
     * @throws IllegalCallerException when this module was not granted native access
     * @throws NemotronException when a function of the header is missing from the library
     */
    public static NmcLibrary load(Path path) {
        NmcLayouts.checkSizes();
        Path key = path.toAbsolutePath().normalize();
        NmcLibrary lib = LOADED.get(key);
        if (lib == null) {
            lib = new NmcLibrary(key, new Binder(key, SymbolLookup.libraryLookup(key, Arena.global())));
            LOADED.putIfAbsent(key, lib);
        }
        return lib;
    }

    /** The library file. */
    public Path path() {
        return path;
    }

    /** The trainer functions ({@code nmc_trainer_*}). */
    public NmcTrainer trainer() {
        return trainer;
    }

    /** The kernels on host arrays ({@code nmc_k_*}). */
    public NmcKernels kernels() {
        return kernels;
    }

    /** Resolves symbols of one library into downcall handles. */
    static final class Binder {
        private final Path path;
        private final SymbolLookup lookup;
        private final Linker linker = Linker.nativeLinker();

        Binder(Path path, SymbolLookup lookup) {
            this.path = path;
            this.lookup = lookup;
        }

        MethodHandle bind(String name, FunctionDescriptor fd) {
            MemorySegment symbol = lookup.find(name).orElseThrow(() -> new NemotronException(path + " has no function '"
                    + name + "': it was built from another version of nemotron_cuda.h; rebuild it"));
            return linker.downcallHandle(symbol, fd);
        }
    }

    // ---- error handling ----

    /** {@code nmc_last_error()} of this thread, or a placeholder when the library gave none. */
    public String lastError() {
        try {
            MemorySegment p = (MemorySegment) lastError.invokeExact();
            if (p.equals(MemorySegment.NULL)) {
                return "(no message)";
            }
            String s = p.reinterpret(Integer.MAX_VALUE).getString(0);
            return s.isBlank() ? "(no message)" : s;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void check(int rc, String what) {
        if (rc != OK) {
            throw new NemotronException(what + " failed: " + lastError());
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ---- library and device ----

    public int abiVersion() {
        try {
            return (int) abiVersion.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Visible CUDA devices; throws with the library's reason when the driver cannot be used. */
    public int deviceCount() {
        int n;
        try {
            n = (int) deviceCount.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (n < 0) {
            throw new NemotronException("nmc_device_count failed: " + lastError());
        }
        return n;
    }

    /** One line about {@code device}: name, compute capability, memory, driver and runtime. */
    public String deviceDescribe(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(512);
            check((int) deviceDescribe.invokeExact(device, buf, 512), "nmc_device_describe");
            return buf.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Measured bandwidth of {@code device} in GB/s (bytes read plus written). */
    public double deviceBandwidth(int device, long bytes, int iters) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_DOUBLE);
            check((int) deviceBandwidth.invokeExact(device, bytes, iters, out), "nmc_device_bandwidth");
            return out.get(JAVA_DOUBLE, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- model ----

    /** {@code nmc_model_create}; returns the model pointer. */
    public MemorySegment modelCreate(MemorySegment config, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check((int) modelCreate.invokeExact(config, device, out), "nmc_model_create");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void modelSetTensor(MemorySegment model, String name, int dtype, long[] shape, MemorySegment data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cname = arena.allocateFrom(name);
            MemorySegment cshape = arena.allocateFrom(JAVA_LONG, shape);
            check((int) modelSetTensor.invokeExact(model, cname, dtype, shape.length, cshape, data),
                    "uploading tensor '" + name + "'");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void modelInitRandom(MemorySegment model, long seed) {
        try {
            check((int) modelInitRandom.invokeExact(model, seed), "nmc_model_init_random");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void modelFinalize(MemorySegment model) {
        try {
            check((int) modelFinalize.invokeExact(model), "nmc_model_finalize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code nmc_model_quantize_fp8}: the linear layers' weights to FP8 E4M3, {@code block} 0 for
     * one scale per output channel, else square blocks of that size (128 as the training recipe).
     */
    public void modelQuantizeFp8(MemorySegment model, int block) {
        try {
            check((int) modelQuantizeFp8.invokeExact(model, block), "nmc_model_quantize_fp8");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code nmc_model_quantize_lm_head_fp8}: lm_head to FP8 E4M3 as well (opt-in), {@code block} as
     * {@link #modelQuantizeFp8}'s or -1 for the FP8 linear layers' block. A head tied to the
     * embedding gets an FP8 copy next to the BF16 table (vocab x hidden bytes more).
     */
    public void modelQuantizeLmHeadFp8(MemorySegment model, int block) {
        try {
            check((int) modelQuantizeLmHeadFp8.invokeExact(model, block), "nmc_model_quantize_lm_head_fp8");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code nmc_model_set_fp8_tensor}: one linear weight of an FP8 checkpoint, E4M3 codes
     * {@code q [out, in]} and fp32 scales {@code [scaleRows, scaleCols]} uploaded as they are
     * ({@code block} 0: per output channel, else square blocks of that size).
     */
    public void modelSetFp8Tensor(MemorySegment model, String name, long out, long in, MemorySegment q, int block,
                                  long scaleRows, long scaleCols, MemorySegment scale) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cname = arena.allocateFrom(name);
            check((int) modelSetFp8Tensor.invokeExact(model, cname, out, in, q, block, scaleRows, scaleCols, scale),
                    "uploading FP8 tensor '" + name + "'");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long modelWeightBytes(MemorySegment model) {
        try {
            return (long) modelWeightBytes.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void modelDestroy(MemorySegment model) {
        try {
            modelDestroy.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- session ----

    /**
     * {@code nmc_session_create_paged}; returns the session pointer.
     *
     * @param kvBlocks blocks of each attention layer's KV pool; 0: every slot at {@code maxSeqLen}
     */
    public MemorySegment sessionCreate(MemorySegment model, int maxSlots, int maxSeqLen, int maxPrefillTokens, long kvBlocks) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check((int) sessionCreate.invokeExact(model, maxSlots, maxSeqLen, maxPrefillTokens, kvBlocks, out),
                    "nmc_session_create (" + maxSlots + " slots of " + maxSeqLen + " tokens, "
                            + (kvBlocks == 0 ? "full" : kvBlocks + " blocks of") + " KV pool)");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void sessionDestroy(MemorySegment session) {
        try {
            sessionDestroy.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void slotReset(MemorySegment session, int slot) {
        try {
            check((int) slotReset.invokeExact(session, slot), "nmc_slot_reset");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int slotLength(MemorySegment session, int slot) {
        try {
            int n = (int) slotLength.invokeExact(session, slot);
            if (n < 0) {
                throw new NemotronException("nmc_slot_length failed: " + lastError());
            }
            return n;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long sessionBytes(MemorySegment session) {
        try {
            return (long) sessionBytes.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nmc_session_kv_blocks}: blocks of each attention layer's KV pool (0 without attention). */
    public long kvBlocks(MemorySegment session) {
        try {
            return (long) kvBlocks.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nmc_session_kv_free_blocks}: pool blocks no slot holds now. */
    public long kvFreeBlocks(MemorySegment session) {
        try {
            return (long) kvFreeBlocks.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nmc_session_kv_block_tokens}: tokens per KV block. */
    public int kvBlockTokens(MemorySegment session) {
        try {
            return (int) kvBlockTokens.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nmc_session_kv_block_bytes}: device bytes of one block over all attention layers. */
    public long kvBlockBytes(MemorySegment session) {
        try {
            return (long) kvBlockBytes.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void sessionUseGraphs(MemorySegment session, boolean enable) {
        try {
            check((int) sessionUseGraphs.invokeExact(session, enable ? 1 : 0), "nmc_session_use_graphs");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nmc_prefill}: tokens int32[n], logits float[n or 1, vocab] or NULL. */
    public void prefill(MemorySegment session, int slot, MemorySegment tokens, int n, boolean allLogits, MemorySegment logits) {
        try {
            check((int) prefill.invokeExact(session, slot, tokens, n, allLogits ? 1 : 0, logits), "nmc_prefill");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nmc_decode}: slots/tokens int32[n], logits float[n, vocab] or NULL. */
    public void decode(MemorySegment session, int n, MemorySegment slots, MemorySegment tokens, MemorySegment logits) {
        try {
            check((int) decode.invokeExact(session, n, slots, tokens, logits), "nmc_decode");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nmc_decode_sample}: params nmc_sampling[n], tokensOut int32[n]. */
    public void decodeSample(MemorySegment session, int n, MemorySegment slots, MemorySegment tokens, MemorySegment params,
                             MemorySegment tokensOut) {
        try {
            check((int) decodeSample.invokeExact(session, n, slots, tokens, params, tokensOut), "nmc_decode_sample");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
