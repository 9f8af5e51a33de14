package dev.nemotron.arch.safetensors;

import dev.nemotron.api.tensor.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a safetensors header: a tensor's name, element type, shape and the byte range
 * {@code [begin, end)} of its data, relative to the start of the data section (as the header's
 * {@code data_offsets} gives it).
 *
 * @param name  the tensor's name, e.g. {@code "backbone.layers.0.mixer.in_proj.weight"}
 * @param dtype its element type
 * @param shape its dimensions (a defensive copy is kept and returned)
 * @param begin the first byte of its data in the data section
 * @param end   one past the last byte of its data in the data section
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    /** Validates the non-null fields and copies the shape. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of bytes of data, {@code end - begin}. */
    public long byteSize() {
        return end - begin;
    }

    /** The number of elements, the product of the dimensions (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
