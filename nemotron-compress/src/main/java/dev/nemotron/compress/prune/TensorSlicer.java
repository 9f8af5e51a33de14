package dev.nemotron.compress.prune;

import dev.nemotron.api.layer.ParameterSlice;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Cuts a stored tensor with a {@link ParameterSlice}, byte for byte, in any dtype: the pruned
 * values are the original bits. Memory: the new tensor only (the source is read in place);
 * consecutive kept indices of the last axis are copied as one run.
 */
final class TensorSlicer {
    private TensorSlicer() {
    }

    /** {@code src} cut by {@code slice} into memory of {@code arena}; {@code slice} null: {@code src} itself. */
    static Tensor slice(Tensor src, ParameterSlice slice, Arena arena) {
        if (slice == null) {
            return src;
        }
        long[] oldShape = slice.oldShape();
        if (!Arrays.equals(oldShape, src.shape())) {
            throw new IllegalArgumentException(slice.name() + ": stored shape " + Arrays.toString(src.shape())
                    + ", expected " + Arrays.toString(oldShape));
        }
        int rank = oldShape.length;
        int[][] kept = slice.kept();
        long[] newShape = slice.newShape();
        long e = src.dtype().byteSize();
        MemorySegment out = arena.allocate(Math.multiplyExact(Tensor.numel(newShape), e), 8);
        if (Tensor.numel(newShape) == 0) {
            return new Tensor(src.dtype(), newShape, out);
        }
        long[] strides = new long[rank];
        long stride = 1;
        for (int a = rank - 1; a >= 0; a--) {
            strides[a] = stride;
            stride *= oldShape[a];
        }
        // runs of the last axis: [start index, length] of consecutive kept indices
        int last = rank - 1;
        int[] lastKept = kept[last];
        long[][] runs = lastKept == null ? new long[][] {{0, oldShape[last]}} : runs(lastKept);
        int outer = Math.toIntExact(Tensor.numel(Arrays.copyOf(newShape, last)));
        int[] pos = new int[last];
        long dst = 0;
        MemorySegment data = src.data();
        for (int r = 0; r < outer; r++) {
            long base = 0;
            for (int a = 0; a < last; a++) {
                base += (kept[a] == null ? pos[a] : kept[a][pos[a]]) * strides[a];
            }
            for (long[] run : runs) {
                long bytes = run[1] * e;
                MemorySegment.copy(data, (base + run[0]) * e, out, dst, bytes);
                dst += bytes;
            }
            for (int a = last - 1; a >= 0; a--) {
                if (++pos[a] < newShape[a]) {
                    break;
                }
                pos[a] = 0;
            }
        }
        return new Tensor(src.dtype(), newShape, out);
    }

    private static long[][] runs(int[] kept) {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 1; i <= kept.length; i++) {
            if (i == kept.length || kept[i] != kept[i - 1] + 1) {
                out.add(new long[] {kept[start], i - start});
                start = i;
            }
        }
        return out.toArray(new long[0][]);
    }
}
