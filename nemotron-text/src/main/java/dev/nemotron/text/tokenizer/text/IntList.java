package dev.nemotron.text.tokenizer.text;

import java.util.Arrays;

/** A growable list of ints without boxing (token ids). Not thread-safe. */
public final class IntList {
    private int[] data;
    private int size;

    public IntList() {
        this(16);
    }

    public IntList(int capacity) {
        data = new int[Math.max(capacity, 4)];
    }

    public void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = v;
    }

    public void addAll(int[] values) {
        for (int v : values) {
            add(v);
        }
    }

    public int get(int i) {
        return data[i];
    }

    public int size() {
        return size;
    }

    public int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
