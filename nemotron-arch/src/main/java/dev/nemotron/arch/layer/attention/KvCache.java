package dev.nemotron.arch.layer.attention;

import dev.nemotron.api.layer.MixerState;
import dev.nemotron.arch.init.RandomWeights;
import java.util.Arrays;

/**
 * One sequence's keys and values for one attention layer, in float32 or bfloat16 (half the
 * memory: values rounded to nearest even as they are appended), growing by doubling.
 *
 * <pre>
 * k, v   [capacity, kvHeads * headDim] float32;   or
 * kb, vb [capacity, kvHeads * headDim] bfloat16 bits
 * rows 0..length-1 hold the past positions
 * </pre>
 */
final class KvCache implements MixerState {
    private final int rowFloats;
    private final boolean bf16;
    float[] k;
    float[] v;
    short[] kb;
    short[] vb;
    int length;

    KvCache(int rowFloats, int initialCapacity, boolean bf16) {
        this.rowFloats = rowFloats;
        this.bf16 = bf16;
        int n = rowFloats * Math.max(1, initialCapacity);
        if (bf16) {
            this.kb = new short[n];
            this.vb = new short[n];
        } else {
            this.k = new float[n];
            this.v = new float[n];
        }
    }

    private KvCache(KvCache o) {
        this.rowFloats = o.rowFloats;
        this.bf16 = o.bf16;
        this.k = o.k == null ? null : o.k.clone();
        this.v = o.v == null ? null : o.v.clone();
        this.kb = o.kb == null ? null : o.kb.clone();
        this.vb = o.vb == null ? null : o.vb.clone();
        this.length = o.length;
    }

    boolean bf16() {
        return bf16;
    }

    /** Appends {@code rows} positions of keys and values (each [rows, kvHeads*headDim]). */
    void append(float[] newK, float[] newV, int rows) {
        int need = (length + rows) * rowFloats;
        int at = length * rowFloats;
        int n = rows * rowFloats;
        if (bf16) {
            if (need > kb.length) {
                int capacity = Math.max(need, kb.length * 2);
                kb = Arrays.copyOf(kb, capacity);
                vb = Arrays.copyOf(vb, capacity);
            }
            for (int i = 0; i < n; i++) {
                kb[at + i] = RandomWeights.toBf16(newK[i]);
                vb[at + i] = RandomWeights.toBf16(newV[i]);
            }
        } else {
            if (need > k.length) {
                int capacity = Math.max(need, k.length * 2);
                k = Arrays.copyOf(k, capacity);
                v = Arrays.copyOf(v, capacity);
            }
            System.arraycopy(newK, 0, k, at, n);
            System.arraycopy(newV, 0, v, at, n);
        }
        length += rows;
    }

    @Override
    public long bytes() {
        return bf16 ? 2L * (kb.length + vb.length) : 4L * (k.length + v.length);
    }

    @Override
    public KvCache copy() {
        return new KvCache(this);
    }
}
