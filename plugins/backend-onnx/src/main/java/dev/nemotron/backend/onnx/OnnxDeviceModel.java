package dev.nemotron.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.backend.onnx.graph.IoNames;
import dev.nemotron.backend.onnx.graph.WeightWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An exported model in two ONNX Runtime sessions. A sequence's caches are the tensors the last
 * run returned for it (kept in ORT's memory, fed back by name as the next step's {@code past*}
 * inputs). The first prefill of a sequence runs {@code prefill.onnx} over the whole prompt; tokens
 * appended to a sequence that already has some (a later turn) go through {@code decode.onnx} one
 * at a time. Decode runs each sequence of a batch on its own (their caches differ in length).
 * Calls are serialised.
 */
final class OnnxDeviceModel implements DeviceModel {
    private final OrtEnvironment env;
    private final OrtSession prefill;
    private final OrtSession decode;
    private final DeviceModelSpec spec;
    private final int vocab;
    private final long weightBytes;
    private final Deque<Integer> freeSlots = new ArrayDeque<>();
    private double bandwidth;
    private boolean closed;

    OnnxDeviceModel(OrtEnvironment env, OrtSession prefill, OrtSession decode, DeviceModelSpec spec, Path dir) {
        this.env = env;
        this.prefill = prefill;
        this.decode = decode;
        this.spec = spec;
        this.vocab = spec.config().getInt("vocab_size");
        long bytes;
        try {
            bytes = Files.size(dir.resolve(WeightWriter.FILE_NAME));
        } catch (IOException e) {
            bytes = 0;
        }
        this.weightBytes = bytes;
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
            throw new NemotronException("all " + spec.maxSequences() + " sequence slots of the onnx model are in use"
                    + " (raise the model's maxSequences, e.g. the engine's batch size)");
        }
        return new Sequence(slot);
    }

    @Override
    public float[] prefill(DeviceSequence sequence, int[] ids) {
        return run(sequence, ids, false);
    }

    @Override
    public float[] prefillAll(DeviceSequence sequence, int[] ids) {
        return run(sequence, ids, true);
    }

    private synchronized float[] run(DeviceSequence sequence, int[] ids, boolean all) {
        open();
        Sequence s = sequence(sequence);
        if (ids.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        checkRoom(s, ids.length);
        if (s.length == 0) {
            float[] logits = s.step(prefill, ids, Map.of());
            if (all) {
                return logits;
            }
            float[] last = new float[vocab];
            System.arraycopy(logits, (ids.length - 1) * vocab, last, 0, vocab);
            return last;
        }
        float[] out = new float[all ? ids.length * vocab : vocab];
        for (int i = 0; i < ids.length; i++) {
            float[] logits = s.step(decode, new int[] {ids[i]}, s.caches);
            if (all) {
                System.arraycopy(logits, 0, out, i * vocab, vocab);
            } else if (i == ids.length - 1) {
                System.arraycopy(logits, 0, out, 0, vocab);
            }
        }
        return out;
    }

    @Override
    public synchronized float[] decode(List<DeviceSequence> sequences, int[] tokens) {
        open();
        int n = sequences.size();
        if (n == 0 || tokens.length != n) {
            throw new IllegalArgumentException(n + " sequences but " + tokens.length + " tokens");
        }
        Set<Integer> seen = new HashSet<>();
        for (DeviceSequence q : sequences) {
            Sequence s = sequence(q);
            if (!seen.add(s.slot)) {
                throw new IllegalArgumentException("sequence " + s.slot + " appears twice in one decode batch");
            }
            if (s.length == 0) {
                throw new IllegalStateException("sequence " + s.slot + " must be prefilled before it is decoded");
            }
            checkRoom(s, 1);
        }
        float[] out = new float[n * vocab];
        for (int i = 0; i < n; i++) {
            Sequence s = (Sequence) sequences.get(i);
            System.arraycopy(s.step(decode, new int[] {tokens[i]}, s.caches), 0, out, i * vocab, vocab);
        }
        return out;
    }

    @Override
    public long weightBytes() {
        return weightBytes;
    }

    /** The host's copy bandwidth (read + written), measured once: ONNX Runtime's CPU provider reads weights from host memory. */
    @Override
    public synchronized double memoryBandwidth() {
        if (bandwidth == 0) {
            long size = 1L << 28;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment a = arena.allocate(size, 64);
                MemorySegment b = arena.allocate(size, 64);
                a.fill((byte) 1);
                MemorySegment.copy(a, 0, b, 0, size);
                long t0 = System.nanoTime();
                int iters = 4;
                for (int i = 0; i < iters; i++) {
                    MemorySegment.copy(i % 2 == 0 ? a : b, 0, i % 2 == 0 ? b : a, 0, size);
                }
                bandwidth = 2.0 * size * iters / ((System.nanoTime() - t0) / 1e9);
            }
        }
        return bandwidth;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                prefill.close();
                decode.close();
            } catch (OrtException e) {
                throw new NemotronException("closing the ONNX Runtime sessions failed: " + e.getMessage(), e);
            }
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the onnx model is closed");
        }
    }

    private Sequence sequence(DeviceSequence sequence) {
        if (!(sequence instanceof Sequence s) || s.owner() != this) {
            throw new IllegalArgumentException("not a sequence of this onnx model: " + sequence);
        }
        if (s.released) {
            throw new IllegalStateException("sequence " + s.slot + " was closed");
        }
        return s;
    }

    private void checkRoom(Sequence s, int more) {
        if ((long) s.length + more > spec.maxSequenceLength()) {
            throw new NemotronException("sequence of " + s.length + " tokens cannot take " + more + " more: the onnx"
                    + " model holds at most " + spec.maxSequenceLength() + " tokens per sequence");
        }
    }

    /** One sequence: its token count and the caches of its last run (owned by that run's result). */
    final class Sequence implements DeviceSequence {
        final int slot;
        int length;
        boolean released;
        Map<String, OnnxTensor> caches = Map.of();
        OrtSession.Result last;

        Sequence(int slot) {
            this.slot = slot;
        }

        OnnxDeviceModel owner() {
            return OnnxDeviceModel.this;
        }

        /** Runs {@code session} on {@code ids} [1, n] and {@code past}; keeps the new caches; returns logits [n, V]. */
        float[] step(OrtSession session, int[] ids, Map<String, OnnxTensor> past) {
            long[] l = new long[ids.length];
            for (int i = 0; i < l.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new IllegalArgumentException("token id " + ids[i] + " is outside the vocabulary [0, " + vocab + ")");
                }
                l[i] = ids[i];
            }
            OrtSession.Result result;
            try (OnnxTensor input = OnnxTensor.createTensor(env, LongBuffer.wrap(l), new long[] {1, ids.length})) {
                Map<String, OnnxTensor> inputs = new HashMap<>(past);
                inputs.put(IoNames.INPUT_IDS, input);
                result = session.run(inputs);
            } catch (OrtException e) {
                throw new NemotronException("ONNX Runtime failed to run the model: " + OnnxModelExecution.firstLine(e.getMessage()), e);
            }
            var out = result.get(IoNames.LOGITS);
            if (out.isEmpty()) {
                result.close();
                throw new NemotronException("the ONNX graph returned no '" + IoNames.LOGITS + "' output; re-export the model");
            }
            FloatBuffer fb = ((OnnxTensor) out.get()).getFloatBuffer();
            float[] logits = new float[fb.remaining()];
            fb.get(logits);
            last = swap(result);
            caches = caches(result);
            length += ids.length;
            return logits;
        }

        private OrtSession.Result swap(OrtSession.Result result) {
            if (last != null) {
                last.close();
            }
            return result;
        }

        private static Map<String, OnnxTensor> caches(OrtSession.Result result) {
            Map<String, OnnxTensor> m = new HashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                if (!e.getKey().equals(IoNames.LOGITS)) {
                    m.put(IoNames.pastOf(e.getKey()), (OnnxTensor) e.getValue());
                }
            }
            return m;
        }

        @Override
        public int length() {
            synchronized (OnnxDeviceModel.this) {
                return released ? 0 : length;
            }
        }

        @Override
        public long bytes() {
            synchronized (OnnxDeviceModel.this) {
                long b = 0;
                for (OnnxTensor t : caches.values()) {
                    long n = 4;
                    for (long d : t.getInfo().getShape()) {
                        n *= d;
                    }
                    b += n;
                }
                return b;
            }
        }

        @Override
        public void close() {
            synchronized (OnnxDeviceModel.this) {
                if (!released) {
                    released = true;
                    caches = Map.of();
                    if (last != null) {
                        last.close();
                        last = null;
                    }
                    if (!closed) {
                        freeSlots.addLast(slot);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "onnx sequence " + slot;
        }
    }
}
