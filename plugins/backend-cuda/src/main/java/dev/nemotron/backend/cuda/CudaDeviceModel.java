package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.backend.KvCapacity;
import dev.nemotron.api.backend.OnDeviceSampling;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.cuda.ffi.NmcLayouts;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An {@code nmc_model} and its one {@code nmc_session}; sequences are the session's slots.
 * Prompts longer than {@code maxPrefillTokens} are prefilled in pieces. Calls are serialised (the
 * library allows one thread at a time per model).
 */
final class CudaDeviceModel implements DeviceModel, OnDeviceSampling {
    private static final long BANDWIDTH_BYTES = 1L << 30;
    private static final int BANDWIDTH_ITERS = 20;

    private final NmcLibrary lib;
    private final MemorySegment model;
    private final MemorySegment session;
    private final DeviceModelSpec spec;
    private final int vocab;
    private final Deque<Integer> freeSlots = new ArrayDeque<>();
    private final long weightBytes;
    private boolean closed;

    CudaDeviceModel(NmcLibrary lib, MemorySegment model, MemorySegment session, DeviceModelSpec spec) {
        this.lib = lib;
        this.model = model;
        this.session = session;
        this.spec = spec;
        this.vocab = spec.config().getInt("vocab_size");
        this.weightBytes = lib.modelWeightBytes(model);
        for (int s = 0; s < spec.maxSequences(); s++) {
            freeSlots.addLast(s);
        }
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public synchronized DeviceSequence newSequence() {
        open();
        Integer slot = freeSlots.pollFirst();
        if (slot == null) {
            throw new NemotronException("all " + spec.maxSequences() + " device sequence slots are in use"
                    + " (raise the model's maxSequences, e.g. the engine's batch size)");
        }
        lib.slotReset(session, slot);
        return new Slot(slot);
    }

    /** Frees the slot and, at once, its KV blocks (for sequences admitted after it). */
    synchronized void release(Slot s) {
        if (!closed && !s.released) {
            s.released = true;
            freeSlots.addLast(s.index);
            lib.slotReset(session, s.index);
        }
    }

    /** The session's paged KV pool; empty for a model without attention layers (no pool). */
    @Override
    public synchronized Optional<KvCapacity> kvCapacity() {
        open();
        long total = lib.kvBlocks(session);
        if (total == 0) {
            return Optional.empty();
        }
        return Optional.of(new KvCapacity(lib.kvBlockTokens(session), total, lib.kvFreeBlocks(session),
                lib.kvBlockBytes(session)));
    }

    @Override
    public float[] prefill(DeviceSequence sequence, int[] ids) {
        return prefill(sequence, ids, false);
    }

    @Override
    public float[] prefillAll(DeviceSequence sequence, int[] ids) {
        return prefill(sequence, ids, true);
    }

    private synchronized float[] prefill(DeviceSequence sequence, int[] ids, boolean all) {
        open();
        Slot s = slot(sequence);
        if (ids.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        checkRoom(s, ids.length);
        float[] out = new float[all ? ids.length * vocab : vocab];
        int step = spec.maxPrefillTokens();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment logits = arena.allocate(4L * (all ? Math.min(step, ids.length) : 1) * vocab, 4);
            for (int from = 0; from < ids.length; from += step) {
                int n = Math.min(step, ids.length - from);
                boolean last = from + n == ids.length;
                MemorySegment tokens = HostMemory.ints(arena, Arrays.copyOfRange(ids, from, from + n));
                lib.prefill(session, s.index, tokens, n, all, all || last ? logits : MemorySegment.NULL);
                if (all) {
                    MemorySegment.copy(logits, Tensor.F32_LE, 0, out, from * vocab, n * vocab);
                } else if (last) {
                    MemorySegment.copy(logits, Tensor.F32_LE, 0, out, 0, vocab);
                }
            }
        }
        return out;
    }

    @Override
    public synchronized float[] decode(List<DeviceSequence> sequences, int[] tokens) {
        open();
        int n = checkBatch(sequences, tokens);
        float[] out = new float[n * vocab];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment logits = arena.allocate(4L * n * vocab, 4);
            lib.decode(session, n, slotIds(arena, sequences), HostMemory.ints(arena, tokens), logits);
            MemorySegment.copy(logits, Tensor.F32_LE, 0, out, 0, out.length);
        }
        return out;
    }

    /** This model samples on the device ({@link #decodeSampled}). */
    @Override
    public Optional<OnDeviceSampling> sampling() {
        return Optional.of(this);
    }

    @Override
    public synchronized int[] decodeSampled(List<DeviceSequence> sequences, int[] tokens, float temperature, float topP,
                                            long seed) {
        open();
        int n = checkBatch(sequences, tokens);
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(NmcLayouts.SAMPLING, n);
            long tOff = NmcLayouts.offset(NmcLayouts.SAMPLING, "temperature");
            long pOff = NmcLayouts.offset(NmcLayouts.SAMPLING, "top_p");
            long sOff = NmcLayouts.offset(NmcLayouts.SAMPLING, "seed");
            for (int i = 0; i < n; i++) {
                long base = i * NmcLayouts.SAMPLING.byteSize();
                params.set(ValueLayout.JAVA_FLOAT, base + tOff, temperature);
                params.set(ValueLayout.JAVA_FLOAT, base + pOff, topP);
                params.set(ValueLayout.JAVA_LONG, base + sOff, seed);
            }
            MemorySegment out = arena.allocate(4L * n, 4);
            lib.decodeSample(session, n, slotIds(arena, sequences), HostMemory.ints(arena, tokens), params, out);
            return out.toArray(ValueLayout.JAVA_INT);
        }
    }

    @Override
    public long weightBytes() {
        return weightBytes;
    }

    @Override
    public synchronized double memoryBandwidth() {
        open();
        return lib.deviceBandwidth(CudaModelExecution.DEVICE, BANDWIDTH_BYTES, BANDWIDTH_ITERS) * 1e9;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            lib.sessionDestroy(session);
            lib.modelDestroy(model);
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the device model is closed");
        }
    }

    private Slot slot(DeviceSequence sequence) {
        if (!(sequence instanceof Slot s) || s.owner() != this) {
            throw new IllegalArgumentException("not a sequence of this device model: " + sequence);
        }
        if (s.released) {
            throw new IllegalStateException("sequence " + s.index + " was closed");
        }
        return s;
    }

    private void checkRoom(Slot s, int more) {
        int len = lib.slotLength(session, s.index);
        if ((long) len + more > spec.maxSequenceLength()) {
            throw new NemotronException("sequence of " + len + " tokens cannot take " + more + " more: the device"
                    + " session holds at most " + spec.maxSequenceLength() + " tokens per sequence");
        }
    }

    private int checkBatch(List<DeviceSequence> sequences, int[] tokens) {
        int n = sequences.size();
        if (n == 0 || tokens.length != n) {
            throw new IllegalArgumentException(n + " sequences but " + tokens.length + " tokens");
        }
        Set<Integer> seen = new HashSet<>();
        for (DeviceSequence q : sequences) {
            Slot s = slot(q);
            if (!seen.add(s.index)) {
                throw new IllegalArgumentException("sequence " + s.index + " appears twice in one decode batch");
            }
            checkRoom(s, 1);
        }
        return n;
    }

    private MemorySegment slotIds(Arena arena, List<DeviceSequence> sequences) {
        int[] ids = new int[sequences.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ((Slot) sequences.get(i)).index;
        }
        return HostMemory.ints(arena, ids);
    }

    /** One slot of the session. */
    final class Slot implements DeviceSequence {
        final int index;
        boolean released;

        Slot(int index) {
            this.index = index;
        }

        CudaDeviceModel owner() {
            return CudaDeviceModel.this;
        }

        @Override
        public int length() {
            synchronized (CudaDeviceModel.this) {
                return released || closed ? 0 : lib.slotLength(session, index);
            }
        }

        @Override
        public long bytes() {
            synchronized (CudaDeviceModel.this) {
                return closed ? 0 : lib.sessionBytes(session) / spec.maxSequences();
            }
        }

        @Override
        public void close() {
            release(this);
        }

        @Override
        public String toString() {
            return "cuda slot " + index;
        }
    }
}
