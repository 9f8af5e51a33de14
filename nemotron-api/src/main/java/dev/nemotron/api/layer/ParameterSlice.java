package dev.nemotron.api.layer;

import dev.nemotron.api.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * How one parameter of a narrower layer is cut from the original: along each axis, the indices
 * kept ({@code null}: the whole axis). The new tensor is the original's sub-tensor at those
 * indices, in their order, row-major.
 *
 * @param name     relative to the mixer, e.g. {@code "in_proj.weight"}
 * @param oldShape the original shape
 * @param kept     one entry per axis: the kept indices, or null for all
 */
public record ParameterSlice(String name, long[] oldShape, int[][] kept) {
    public ParameterSlice {
        Objects.requireNonNull(name, "name");
        oldShape = oldShape.clone();
        if (kept.length != oldShape.length) {
            throw new IllegalArgumentException(name + ": " + kept.length + " axes of indices for shape "
                    + Arrays.toString(oldShape));
        }
        kept = kept.clone();
        for (int a = 0; a < kept.length; a++) {
            if (kept[a] != null) {
                kept[a] = kept[a].clone();
                for (int i : kept[a]) {
                    if (i < 0 || i >= oldShape[a]) {
                        throw new IllegalArgumentException(name + ": index " + i + " out of range on axis " + a
                                + " of " + Arrays.toString(oldShape));
                    }
                }
            }
        }
    }

    /** Every axis whole except {@code axis}, which keeps {@code indices}. */
    public static ParameterSlice along(String name, long[] oldShape, int axis, int[] indices) {
        int[][] k = new int[oldShape.length][];
        k[axis] = indices;
        return new ParameterSlice(name, oldShape, k);
    }

    @Override
    public long[] oldShape() {
        return oldShape.clone();
    }

    @Override
    public int[][] kept() {
        int[][] out = kept.clone();
        for (int a = 0; a < out.length; a++) {
            out[a] = out[a] == null ? null : out[a].clone();
        }
        return out;
    }

    /** The shape after slicing. */
    public long[] newShape() {
        long[] s = oldShape.clone();
        for (int a = 0; a < s.length; a++) {
            if (kept[a] != null) {
                s[a] = kept[a].length;
            }
        }
        return s;
    }

    /** For each element of the new tensor (row-major), its flat index in the original. */
    public long[] sourceIndices() {
        long[] out = new long[Math.toIntExact(Tensor.numel(newShape()))];
        forEachSource((i, src) -> out[i] = src);
        return out;
    }

    /** The sliced values of {@code values} (the original tensor, row-major). */
    public double[] apply(double[] values) {
        checkLength(values.length);
        double[] out = new double[Math.toIntExact(Tensor.numel(newShape()))];
        forEachSource((i, src) -> out[i] = values[(int) src]);
        return out;
    }

    /** The sliced values of {@code values} (the original tensor, row-major). */
    public float[] apply(float[] values) {
        checkLength(values.length);
        float[] out = new float[Math.toIntExact(Tensor.numel(newShape()))];
        forEachSource((i, src) -> out[i] = values[(int) src]);
        return out;
    }

    private interface Visitor {
        void element(int index, long source);
    }

    /** Visits every element of the new tensor in row-major order with its flat index in the original. */
    private void forEachSource(Visitor v) {
        long[] shape = newShape();
        long n = Tensor.numel(shape);
        long[] strides = new long[oldShape.length];
        long stride = 1;
        for (int a = oldShape.length - 1; a >= 0; a--) {
            strides[a] = stride;
            stride *= oldShape[a];
        }
        int[] pos = new int[shape.length];
        for (int i = 0; i < n; i++) {
            long src = 0;
            for (int a = 0; a < shape.length; a++) {
                src += (kept[a] == null ? pos[a] : kept[a][pos[a]]) * strides[a];
            }
            v.element(i, src);
            for (int a = shape.length - 1; a >= 0; a--) {
                if (++pos[a] < shape[a]) {
                    break;
                }
                pos[a] = 0;
            }
        }
    }

    private void checkLength(int length) {
        if (Tensor.numel(oldShape) != length) {
            throw new IllegalArgumentException(name + ": " + length + " values for shape " + Arrays.toString(oldShape));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSlice p && p.name.equals(name) && Arrays.equals(p.oldShape, oldShape)
                && Arrays.deepEquals(p.kept, kept);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(oldShape), Arrays.deepHashCode(kept));
    }

    @Override
    public String toString() {
        return name + Arrays.toString(oldShape) + " -> " + Arrays.toString(newShape());
    }
}
