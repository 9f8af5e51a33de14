package dev.nemotron.infer.engine;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.backend.KvCapacity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A {@link DeviceModel} without a device: slots hold a length and the last token; the logits put
 * all their mass on {@code (last token + 1) % vocab}. It records the batch sizes decoded. With a
 * paged pool ({@code blockTokens > 0}) a slot takes ceil(length / blockTokens) blocks as it grows
 * and a call that needs more than are free fails, as the CUDA session does.
 */
final class FakeDeviceModel implements DeviceModel {
    final int vocab;
    final int slots;
    final Deque<Integer> free = new ArrayDeque<>();
    final List<Integer> decodeBatches = new ArrayList<>();
    final int blockTokens;
    final long poolBlocks;
    long freeBlocks;
    int prefills;
    boolean closed;
    /** Milliseconds each decode step takes (so requests submitted together overlap). */
    volatile long decodeMillis;

    FakeDeviceModel(int vocab, int slots) {
        this(vocab, slots, 0, 0);
    }

    FakeDeviceModel(int vocab, int slots, int blockTokens, long poolBlocks) {
        this.vocab = vocab;
        this.slots = slots;
        this.blockTokens = blockTokens;
        this.poolBlocks = poolBlocks;
        this.freeBlocks = poolBlocks;
        for (int i = 0; i < slots; i++) {
            free.add(i);
        }
    }

    @Override
    public synchronized Optional<KvCapacity> kvCapacity() {
        return blockTokens == 0 ? Optional.empty() : Optional.of(new KvCapacity(blockTokens, poolBlocks, freeBlocks, 64));
    }

    private long blocks(long tokens) {
        return blockTokens == 0 ? 0 : KvCapacity.blocksFor(tokens, blockTokens);
    }

    /** Takes the blocks that `more` tokens add to s, or fails (changing nothing) when too few are free. */
    private void grow(Slot s, int more) {
        long need = blocks(s.length + more) - blocks(s.length);
        if (need > freeBlocks) {
            throw new NemotronException("the KV cache is full: " + need + " more blocks needed, " + freeBlocks + " free");
        }
        freeBlocks -= need;
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
                freeBlocks += blocks(length);
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
        grow(s, ids.length);
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
        long need = 0;
        for (DeviceSequence q : sequences) {
            need += blocks(live(q).length + 1) - blocks(live(q).length);
        }
        if (need > freeBlocks) {
            throw new NemotronException("the KV cache is full mid-decode: " + need + " blocks needed, " + freeBlocks + " free");
        }
        decodeBatches.add(sequences.size());
        if (decodeMillis > 0) {
            try {
                Thread.sleep(decodeMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        float[] out = new float[sequences.size() * vocab];
        for (int i = 0; i < tokens.length; i++) {
            Slot s = live(sequences.get(i));
            grow(s, 1);
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
