package dev.nemotron.infer.engine;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link DeviceModel} without a device: slots hold a length and the last token; the logits put
 * all their mass on {@code (last token + 1) % vocab}. It records the batch sizes decoded.
 */
final class FakeDeviceModel implements DeviceModel {
    final int vocab;
    final int slots;
    final Deque<Integer> free = new ArrayDeque<>();
    final List<Integer> decodeBatches = new ArrayList<>();
    int prefills;
    boolean closed;

    FakeDeviceModel(int vocab, int slots) {
        this.vocab = vocab;
        this.slots = slots;
        for (int i = 0; i < slots; i++) {
            free.add(i);
        }
    }

    final class Slot implements DeviceSequence {
        final int index;
        int length;
        int last;
        boolean released;

        Slot(int index) {
            this.index = index;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public long bytes() {
            return 1000;
        }

        @Override
        public void close() {
            synchronized (FakeDeviceModel.this) {
                if (released) {
                    throw new AssertionError("slot " + index + " released twice");
                }
                released = true;
                free.add(index);
            }
        }
    }

    synchronized int freeSlots() {
        return free.size();
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public synchronized DeviceSequence newSequence() {
        Integer i = free.poll();
        if (i == null) {
            throw new NemotronException("all slots in use");
        }
        return new Slot(i);
    }

    private float[] oneHot(Slot s, float[] into, int row) {
        into[row * vocab + (s.last + 1) % vocab] = 1f;
        return into;
    }

    private Slot live(DeviceSequence seq) {
        Slot s = (Slot) seq;
        if (s.released) {
            throw new AssertionError("use of a released slot " + s.index);
        }
        return s;
    }

    @Override
    public synchronized float[] prefill(DeviceSequence sequence, int[] ids) {
        Slot s = live(sequence);
        prefills++;
        s.length += ids.length;
        s.last = ids[ids.length - 1];
        return oneHot(s, new float[vocab], 0);
    }

    @Override
    public synchronized float[] prefillAll(DeviceSequence sequence, int[] ids) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized float[] decode(List<DeviceSequence> sequences, int[] tokens) {
        decodeBatches.add(sequences.size());
        float[] out = new float[sequences.size() * vocab];
        for (int i = 0; i < tokens.length; i++) {
            Slot s = live(sequences.get(i));
            s.length++;
            s.last = tokens[i];
            oneHot(s, out, i);
        }
        return out;
    }

    @Override
    public long weightBytes() {
        return 0;
    }

    @Override
    public double memoryBandwidth() {
        return 1e9;
    }

    @Override
    public void close() {
        closed = true;
    }
}
