package dev.nemotron.arch.layer.attention;

import dev.nemotron.api.layer.MixerState;
import java.util.Arrays;

/**
 * One sequence's keys and values for one attention layer, in float32, growing by doubling.
 *
 * <pre>
 * k, v [capacity, kvHeads * headDim]; rows 0..length-1 hold the past positions
 * </pre>
 */
final class KvCache implements MixerState {
    private final int rowFloats;
    float[] k;
    float[] v;
    int length;

    KvCache(int rowFloats, int initialCapacity) {
        this.rowFloats = rowFloats;
        this.k = new float[rowFloats * Math.max(1, initialCapacity)];
        this.v = new float[k.length];
    }

    private KvCache(KvCache o) {
        this.rowFloats = o.rowFloats;
        this.k = o.k.clone();
        this.v = o.v.clone();
        this.length = o.length;
    }

    /** Appends {@code rows} positions of keys and values (each [rows, kvHeads*headDim]). */
    void append(float[] newK, float[] newV, int rows) {
        int need = (length + rows) * rowFloats;
        if (need > k.length) {
            int capacity = Math.max(need, k.length * 2);
            k = Arrays.copyOf(k, capacity);
            v = Arrays.copyOf(v, capacity);
        }
        System.arraycopy(newK, 0, k, length * rowFloats, rows * rowFloats);
        System.arraycopy(newV, 0, v, length * rowFloats, rows * rowFloats);
        length += rows;
    }

    @Override
    public long bytes() {
        return 4L * (k.length + v.length);
    }

    @Override
    public KvCache copy() {
        return new KvCache(this);
    }
}
